package io.memstream.extractor.turns;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Extracts each turn and publishes the candidates before returning, so the turn's offset is
 * committed only after its results are on the broker. A failure is retried and then dead-lettered
 * by the container's error handler; it never silently becomes "no facts".
 */
@Component
class TurnListener {

    private final Extractor extractor;
    private final KafkaTemplate<FactKey, FactCandidate> candidates;
    private final Duration publishTimeout;

    TurnListener(
            Extractor extractor,
            KafkaTemplate<FactKey, FactCandidate> candidates,
            @Value("${memstream.extractor.publish-timeout:30s}") Duration publishTimeout) {
        this.extractor = extractor;
        this.candidates = candidates;
        this.publishTimeout = publishTimeout;
    }

    @KafkaListener(
            id = "turn-extractor",
            groupId = "${memstream.extractor.group-id:memstream-extractor}",
            topics = "memstream.turns",
            containerFactory = "turnContainerFactory")
    void onTurn(ConsumerRecord<byte[], byte[]> record)
            throws ExecutionException, InterruptedException, TimeoutException {
        Turn turn = Topics.TURNS.valueSerde().deserialize(record.topic(), record.value());
        List<FactCandidate> found = extractor.extract(turn);
        CompletableFuture<?>[] sends = found.stream()
                .map(c -> candidates.send(Topics.FACT_CANDIDATES.name(), c.factKey(), c))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(sends).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
