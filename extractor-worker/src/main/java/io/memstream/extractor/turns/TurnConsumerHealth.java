package io.memstream.extractor.turns;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Down while no consumer is polling the turns topic, so a stuck extractor shows, not hides. */
@Component("turnsHealthIndicator")
class TurnConsumerHealth implements HealthIndicator {

    private final SessionBatchingConsumer consumer;

    TurnConsumerHealth(SessionBatchingConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public Health health() {
        return consumer.polling()
                ? Health.up().build()
                : Health.down().withDetail("polling", false).build();
    }
}
