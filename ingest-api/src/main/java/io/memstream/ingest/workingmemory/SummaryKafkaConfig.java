package io.memstream.ingest.workingmemory;

import io.memstream.common.events.SessionKey;
import io.memstream.common.events.SummaryRequest;
import io.memstream.common.topics.Topics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
class SummaryKafkaConfig {

    @Bean
    KafkaTemplate<SessionKey, SummaryRequest> summaryRequestTemplate(KafkaProperties properties) {
        Map<String, Object> config = properties.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        var spec = Topics.SUMMARY_REQUESTS;
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                config, spec.keySerde().serializer(), spec.valueSerde().serializer()));
    }

    /** Summaries are read as bytes, so an unreadable one is dead-lettered as it arrived. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> summaryContainerFactory(KafkaProperties properties) {
        Map<String, Object> config = properties.buildConsumerProperties();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var factory = new ConcurrentKafkaListenerContainerFactory<byte[], byte[]>();
        factory.setConsumerFactory(
                new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        Map<String, Object> producer = properties.buildProducerProperties();
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        var deadLetters = new DeadLetterPublishingRecoverer(
                new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                        producer, new ByteArraySerializer(), new ByteArraySerializer())),
                (record, exception) -> new TopicPartition(Topics.DEAD_LETTERS, -1));
        // Redis away: retry for a while, then park the summary rather than block every session.
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxAttempts(8);
        var errorHandler = new DefaultErrorHandler(deadLetters, backOff);
        errorHandler.addNotRetryableExceptions(SerializationException.class);
        factory.setCommonErrorHandler(errorHandler);
        return factory;
    }
}
