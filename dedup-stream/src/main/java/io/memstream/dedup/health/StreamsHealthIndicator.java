package io.memstream.dedup.health;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/** Healthy only while the dedup topology is actually running, not merely while the JVM is up. */
@Component("kafkaStreams")
class StreamsHealthIndicator implements HealthIndicator {

    private final StreamsBuilderFactoryBean streams;

    StreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            return Health.down().withDetail("state", "NOT_STARTED").build();
        }
        KafkaStreams.State state = kafkaStreams.state();
        return (state.isRunningOrRebalancing() ? Health.up() : Health.down())
                .withDetail("state", state.name())
                .build();
    }
}
