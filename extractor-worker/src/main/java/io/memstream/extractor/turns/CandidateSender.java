package io.memstream.extractor.turns;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes fact candidates into the dedup stream and waits until the broker has acknowledged every
 * one: live extraction and replay jobs store their positions only after that.
 */
@Component
public class CandidateSender {

    private final KafkaTemplate<FactKey, FactCandidate> template;
    private final Duration timeout;

    CandidateSender(
            KafkaTemplate<FactKey, FactCandidate> candidateTemplate,
            @Value("${memstream.extractor.publish-timeout:30s}") Duration timeout) {
        this.template = candidateTemplate;
        this.timeout = timeout;
    }

    /** @throws TimeoutException when they are not all acknowledged within the publish timeout */
    public void sendAll(List<FactCandidate> candidates)
            throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<?>[] sends = candidates.stream()
                .map(c -> template.send(Topics.FACT_CANDIDATES.name(), c.factKey(), c))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(sends).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Duration timeout() {
        return timeout;
    }
}
