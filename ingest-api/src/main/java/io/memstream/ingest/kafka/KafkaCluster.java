package io.memstream.ingest.kafka;

import io.memstream.common.topics.ClusterIds;
import io.memstream.ingest.turns.TurnsNotPersistedException;
import java.time.Duration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/** Which Kafka cluster this API writes to, asked once, when first needed. */
@Component
public class KafkaCluster {

    private final KafkaProperties kafka;
    private volatile String id;

    KafkaCluster(KafkaProperties kafka) {
        this.kafka = kafka;
    }

    /** @throws TurnsNotPersistedException (a 503) when the broker does not answer */
    public String id() {
        if (id == null) {
            try {
                id = ClusterIds.of(kafka.buildAdminProperties(), Duration.ofSeconds(5));
            } catch (IllegalStateException e) {
                throw new TurnsNotPersistedException("Kafka is unavailable: " + e.getMessage(), e);
            }
        }
        return id;
    }
}
