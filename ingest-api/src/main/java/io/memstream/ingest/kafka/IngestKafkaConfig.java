package io.memstream.ingest.kafka;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.TopicInstaller;
import io.memstream.common.topics.Topics;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

@Configuration(proxyBeanMethods = false)
class IngestKafkaConfig {

    @Bean
    KafkaAdmin.NewTopics memstreamTopics(@Value("${memstream.kafka.replication-factor:1}") short replication) {
        return new KafkaAdmin.NewTopics(TopicInstaller.newTopics(replication).toArray(NewTopic[]::new));
    }

    /** Explicit fact writes join the learned candidates in the same dedup stream. */
    @Bean
    KafkaTemplate<FactKey, FactCandidate> factCandidateTemplate(
            KafkaProperties properties, @Value("${memstream.ingest.publish-timeout:10s}") Duration publishTimeout) {
        var spec = Topics.FACT_CANDIDATES;
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                reliableProducer(properties, publishTimeout),
                spec.keySerde().serializer(),
                spec.valueSerde().serializer()));
    }

    /**
     * acks=all with the idempotent producer: a 202 means every in-sync replica has the turn. Every
     * wait is bounded so that a broker outage becomes a 503 within the publish timeout.
     */
    @Bean
    KafkaTemplate<SessionKey, Turn> turnTemplate(
            KafkaProperties properties, @Value("${memstream.ingest.publish-timeout:10s}") Duration publishTimeout) {
        var spec = Topics.TURNS;
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                reliableProducer(properties, publishTimeout),
                spec.keySerde().serializer(),
                spec.valueSerde().serializer()));
    }

    private static Map<String, Object> reliableProducer(KafkaProperties properties, Duration publishTimeout) {
        Map<String, Object> config = properties.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long timeoutMs = publishTimeout.toMillis();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeoutMs / 2));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(1000 + 5, timeoutMs));
        return config;
    }
}
