package io.memstream.ingest.turns;

import io.memstream.common.events.SessionKey;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Publishes turns and returns only once the broker has acknowledged every one (acks=all). */
@Component
class TurnPublisher {

    private final KafkaTemplate<SessionKey, Turn> template;
    private final Duration timeout;

    TurnPublisher(
            KafkaTemplate<SessionKey, Turn> turnTemplate,
            @Value("${memstream.ingest.publish-timeout:10s}") Duration timeout) {
        this.template = turnTemplate;
        this.timeout = timeout;
    }

    void publish(List<Turn> turns) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            List<CompletableFuture<?>> acks = new ArrayList<>(turns.size());
            for (Turn t : turns) {
                // Each send may block while the broker is unreachable: stop at the first failure or
                // once the time is up, so a whole batch is refused within the timeout, not per turn.
                CompletableFuture<?> ack = template.send(Topics.TURNS.name(), t.sessionKey(), t);
                if (ack.isCompletedExceptionally() || System.nanoTime() > deadline) {
                    ack.get(0, TimeUnit.MILLISECONDS);
                    throw new TimeoutException();
                }
                acks.add(ack);
            }
            long left = Math.max(0, deadline - System.nanoTime());
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TurnsNotPersistedException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException e) {
            throw new TurnsNotPersistedException(
                    "Kafka did not acknowledge the turns: " + e.getCause().getMessage(), e);
        } catch (TimeoutException | RuntimeException e) {
            throw new TurnsNotPersistedException("Kafka did not acknowledge the turns within " + timeout, e);
        }
    }
}
