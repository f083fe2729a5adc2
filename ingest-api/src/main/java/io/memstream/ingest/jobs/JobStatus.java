package io.memstream.ingest.jobs;

import java.time.Instant;

/**
 * A job as the API shows it.
 *
 * @param done turns read of its ranges of the turns topic, out of {@code total}
 * @param matched turns in the job's scope among them
 * @param rate turns read per second since the job started
 * @param etaSeconds at that rate, until done; null until it is known
 */
record JobStatus(
        String id,
        String state,
        Scope scope,
        String extractor,
        String model,
        String promptVersion,
        String mode,
        long total,
        long done,
        long matched,
        long candidates,
        int attempts,
        double progress,
        Double rate,
        Double etaSeconds,
        boolean cancelRequested,
        String error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {

    record Scope(String userId, String namespace, String sessionId, Instant from, Instant to) {}
}
