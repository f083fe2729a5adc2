package io.memstream.testkit;

import io.memstream.common.topics.TopicInstaller;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (KRaft, in this JVM) shared by all integration tests of a module; tests
 * isolate themselves by unique tenant and user ids, not by brokers.
 */
public final class SharedKafka {

    private static EmbeddedKafkaKraftBroker broker;

    private SharedKafka() {}

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 1);
            started.brokerProperties(Map.of(
                    // Single broker: internal topics cannot have more replicas than brokers.
                    "transaction.state.log.replication.factor", "1",
                    "transaction.state.log.min.isr", "1",
                    "offsets.topic.replication.factor", "1",
                    "group.initial.rebalance.delay.ms", "0",
                    "auto.create.topics.enable", "false"));
            started.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "shared-kafka-shutdown"));
            try {
                TopicInstaller.install(started.getBrokersAsString(), (short) 1);
            } catch (Exception e) {
                started.destroy();
                throw new IllegalStateException("could not create Memstream's topics on the test broker", e);
            }
            broker = started;
        }
        return broker.getBrokersAsString();
    }
}
