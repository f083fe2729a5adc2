package io.memstream.extractor.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param lease how long a job stays with a worker that stops renewing it (one that died)
 * @param pollInterval how often an idle worker looks for a job
 * @param batchRecords turns read before progress is stored
 * @param dedupApplicationId dedup-stream's Kafka Streams application id, whose committed offsets
 *     tell a rebuild when dedup has merged all its candidates
 * @param sinkOffsetsScope the fact sink's offsets scope, whose stored offsets tell a rebuild when
 *     the merged facts are in Postgres
 * @param barrierTimeout how long a rebuild waits for dedup-stream before its attempt fails
 * @param maxAttempts how many times a failing job is tried before it is given up
 * @param stopGrace how long a stopping worker lets the job's current step finish before it
 *     interrupts it and hands the job back
 */
@ConfigurationProperties("memstream.jobs")
record JobSettings(
        @DefaultValue("30s") Duration lease,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("500") int batchRecords,
        @DefaultValue("memstream-dedup") String dedupApplicationId,
        @DefaultValue("memstream") String sinkOffsetsScope,
        @DefaultValue("10m") Duration barrierTimeout,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("10s") Duration stopGrace) {}
