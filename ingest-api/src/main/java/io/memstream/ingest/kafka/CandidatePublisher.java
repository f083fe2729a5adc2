package io.memstream.ingest.kafka;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.topics.Topics;
import io.memstream.ingest.turns.TurnsNotPersistedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Everything users write to long-term memory (explicit facts, memories, edits, deletions) enters the
 * same dedup stream as what extractors learn. A write is answered only once the broker has it.
 */
@Component
public class CandidatePublisher {

    private final KafkaTemplate<FactKey, FactCandidate> candidates;
    private final Duration timeout;

    CandidatePublisher(
            KafkaTemplate<FactKey, FactCandidate> factCandidateTemplate,
            @Value("${memstream.ingest.publish-timeout:10s}") Duration timeout) {
        this.candidates = factCandidateTemplate;
        this.timeout = timeout;
    }

    /**
     * Sends in order and waits for all of them.
     *
     * @throws TurnsNotPersistedException (a 503) when the broker does not acknowledge in time
     */
    public void publish(List<FactCandidate> batch) {
        CompletableFuture<?>[] sends = batch.stream()
                .map(c -> candidates.send(Topics.FACT_CANDIDATES.name(), c.factKey(), c))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(sends).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TurnsNotPersistedException("interrupted while waiting for Kafka", e);
        } catch (Exception e) {
            throw new TurnsNotPersistedException("Kafka did not acknowledge the write within " + timeout, e);
        }
    }
}
