package io.memstream.extractor.jobs;

import io.memstream.common.events.Ids;
import io.memstream.common.topics.ClusterIds;
import io.memstream.extractor.llm.LlmSettings;
import io.memstream.extractor.turns.CandidateSender;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Takes replay jobs from Postgres and runs them, one at a time per worker, beside live extraction
 * (its own consumer, no consumer group, so live traffic is not touched). A stopping worker hands its
 * job back at once; one that dies loses it when its lease runs out, and another worker resumes it.
 */
@Component
// Off for a worker that must only extract live turns, e.g. one pointed at a test LLM.
@ConditionalOnProperty(prefix = "memstream.jobs", name = "enabled", matchIfMissing = true)
class ReplayRunner {

    private static final Logger log = LoggerFactory.getLogger(ReplayRunner.class);

    private final JobStore store;
    private final JobSettings settings;
    private final JobExtractors extractors;
    private final CandidateSender candidates;
    private final KafkaProperties kafka;
    private final String owner = "worker-" + Ids.newUlid();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicReference<Thread> running = new AtomicReference<>();
    private final boolean llmConfigured;
    private volatile String clusterId;

    ReplayRunner(
            JobStore store,
            JobSettings settings,
            JobExtractors extractors,
            CandidateSender candidates,
            KafkaProperties kafka,
            LlmSettings llm) {
        this.store = store;
        this.settings = settings;
        this.extractors = extractors;
        this.candidates = candidates;
        this.kafka = kafka;
        this.llmConfigured = llm.configured();
    }

    @Scheduled(fixedDelayString = "${memstream.jobs.poll-interval:1s}")
    void poll() {
        if (stopping.get() || running.get() != null) {
            return;
        }
        if (clusterId == null) {
            clusterId = ClusterIds.of(kafka.buildAdminProperties(), Duration.ofSeconds(10));
        }
        store.claim(owner, settings.lease(), clusterId, llmConfigured).ifPresent(job -> {
            Thread thread = Thread.ofVirtual().name("replay-" + job.id()).unstarted(() -> run(job));
            running.set(thread);
            thread.start();
        });
    }

    private void run(ReplayJob job) {
        log.info("replay job {} starts (or resumes) on {}", job.id(), owner);
        // The lease is renewed on a timer, not only between steps: a long LLM step or a rebuild's wait
        // must not let another worker take the job over while this one still runs it.
        AtomicBoolean lost = new AtomicBoolean();
        var heartbeat =
                Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
        long every = Math.max(1, settings.lease().toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(
                () -> {
                    try {
                        if (!store.renew(job.id(), owner, settings.lease())) {
                            lost.set(true);
                        }
                    } catch (RuntimeException e) {
                        log.warn("could not renew the lease of replay job {}: {}", job.id(), e.toString());
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
        try (var consumer = newConsumer();
                var checks = newConsumer();
                Admin admin = Admin.create(kafka.buildAdminProperties())) {
            var execution = new ReplayExecution(
                    job,
                    owner,
                    store,
                    settings,
                    extractors.forJob(job),
                    candidates,
                    new DedupBarrier(admin, checks, store, settings));
            var outcome = execution.run(consumer, () -> stopping.get() || lost.get());
            if (lost.get() || outcome == ReplayExecution.Outcome.LOST_LEASE) {
                log.warn("replay job {} was taken over by another worker", job.id());
                return;
            }
            switch (outcome) {
                case SUCCEEDED -> store.finish(job.id(), owner, "succeeded", null);
                case CANCELLED -> store.finish(job.id(), owner, "cancelled", null);
                case STOPPED, LOST_LEASE -> store.release(job.id(), owner);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.release(job.id(), owner);
        } catch (RuntimeException e) {
            if (stopping.get()) {
                // A step cut short by this worker stopping is not the job's failure: it is handed
                // back, and whoever resumes it redoes the step (its evidence is counted once).
                log.info("replay job {} handed back mid-step as the worker stops ({})", job.id(), e.toString());
                store.release(job.id(), owner);
                return;
            }
            log.error("replay job {} failed", job.id(), e);
            store.failed(job.id(), owner, String.valueOf(e.getMessage()), settings.maxAttempts());
        } finally {
            heartbeat.shutdownNow();
            running.set(null);
        }
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        return new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchRecords());
        // A stored position below the log's start (retention removed turns) resumes at the start,
        // never at the end, which would skip every turn still there.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /**
     * Stops the running job between two steps and hands it back, so a restart resumes it at once. A
     * step still running after {@code stop-grace} (an LLM call that does not answer) is interrupted:
     * left running, it could publish after another worker has taken the job over.
     */
    @PreDestroy
    void stop() throws InterruptedException {
        stopping.set(true);
        Thread thread = running.get();
        if (thread == null) {
            return;
        }
        thread.join(settings.stopGrace());
        if (thread.isAlive()) {
            log.warn("replay job step still running after {}: interrupting it", settings.stopGrace());
            thread.interrupt();
            thread.join(Duration.ofSeconds(30));
        }
    }
}
