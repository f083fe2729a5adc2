package io.memstream.extractor.jobs;

import java.time.Instant;

/**
 * A claimed job's scope and extractor choice.
 *
 * @param userId null for every user of the tenant; likewise namespace and sessionId
 * @param fromTime turns accepted at or after this (the turns topic's record time); null from the start
 * @param toTime turns accepted before this; null for all up to the job's start
 * @param extractor {@code rules} or {@code llm}
 */
record ReplayJob(
        String id,
        String tenantId,
        String userId,
        String namespace,
        String sessionId,
        Instant fromTime,
        Instant toTime,
        String extractor,
        String model,
        String promptVersion,
        String mode) {}
