package io.memstream.extractor.turns;

import io.memstream.common.erasure.ErasedUsers;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.SessionSummary;
import io.memstream.common.topics.TopicInstaller;
import io.memstream.common.topics.Topics;
import io.memstream.extractor.llm.KnownKeys;
import io.memstream.extractor.llm.KnownKeysListener;
import io.memstream.extractor.llm.LlmExtractor;
import io.memstream.extractor.llm.LlmSettings;
import io.memstream.extractor.rules.RuleBasedExtractor;
import io.memstream.extractor.summaries.ExtractiveSummarizer;
import io.memstream.extractor.summaries.Summarizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

@Configuration(proxyBeanMethods = false)
class ExtractorKafkaConfig {

    @Bean
    KafkaAdmin.NewTopics memstreamTopics(@Value("${memstream.kafka.replication-factor:1}") short replication) {
        return new KafkaAdmin.NewTopics(TopicInstaller.newTopics(replication).toArray(NewTopic[]::new));
    }

    @Bean
    KnownKeys knownKeys() {
        return new KnownKeys(10_000, 50);
    }

    @Bean
    KnownKeysListener knownKeysListener(KnownKeys knownKeys) {
        return new KnownKeysListener(knownKeys);
    }

    /** The changelog is read from its start (7 days) so that a new worker knows the users' keys. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> knownKeysContainerFactory(KafkaProperties properties) {
        Map<String, Object> config = properties.buildConsumerProperties();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var factory = new ConcurrentKafkaListenerContainerFactory<byte[], byte[]>();
        factory.setConsumerFactory(
                new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        return factory;
    }

    /** The LLM when one is configured; otherwise the offline rules, so the pipeline always runs. */
    @Bean
    Extractor extractor(LlmSettings llm, KnownKeys knownKeys, MeterRegistry meters) {
        if (!llm.configured()) {
            return new RuleBasedExtractor();
        }
        return new LlmExtractor(LlmExtractor.chatModel(llm), llm, knownKeys, meters);
    }

    @Bean
    Summarizer summarizer(@Value("${memstream.extractor.summary-max-chars:2000}") int maxChars) {
        return new ExtractiveSummarizer(maxChars);
    }

    @Bean
    KafkaTemplate<SessionKey, SessionSummary> summaryTemplate(KafkaProperties properties) {
        var spec = Topics.SESSION_SUMMARIES;
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                reliableProducer(properties),
                spec.keySerde().serializer(),
                spec.valueSerde().serializer()));
    }

    @Bean
    KafkaTemplate<FactKey, FactCandidate> candidateTemplate(KafkaProperties properties) {
        var spec = Topics.FACT_CANDIDATES;
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                reliableProducer(properties),
                spec.keySerde().serializer(),
                spec.valueSerde().serializer()));
    }

    /** Dead letters are the records exactly as they arrived (bytes), with the reason in headers. */
    @Bean
    DeadLetterPublishingRecoverer deadLetterRecoverer(KafkaProperties properties) {
        var deadLetterTemplate = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(
                reliableProducer(properties), new ByteArraySerializer(), new ByteArraySerializer()));
        return new DeadLetterPublishingRecoverer(
                deadLetterTemplate, (record, exception) -> new TopicPartition(Topics.DEAD_LETTERS, -1));
    }

    @Bean
    SessionBatchingConsumer turnConsumer(
            KafkaProperties properties,
            @Value("${memstream.extractor.group-id:memstream-extractor}") String groupId,
            Extractor extractor,
            CandidateSender candidates,
            DeadLetterPublishingRecoverer deadLetterRecoverer,
            BatchingSettings batching,
            DataSource dataSource) {
        Map<String, Object> config = properties.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // Incremental rebalances: partitions that stay put are not revoked and re-read.
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new SessionBatchingConsumer(
                () -> new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                extractor,
                candidates,
                deadLetterRecoverer,
                batching,
                new ErasedUsers(dataSource, java.time.Duration.ofSeconds(5)));
    }

    /** Summary requests are read as bytes so that an unreadable one is dead-lettered as it arrived. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<byte[], byte[]> summaryRequestContainerFactory(
            KafkaProperties properties,
            DeadLetterPublishingRecoverer deadLetterRecoverer,
            @Value("${memstream.extractor.retry.initial-interval:500ms}") java.time.Duration initial,
            @Value("${memstream.extractor.retry.max-attempts:5}") int maxAttempts) {
        Map<String, Object> config = properties.buildConsumerProperties();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var factory = new ConcurrentKafkaListenerContainerFactory<byte[], byte[]>();
        factory.setConsumerFactory(
                new DefaultKafkaConsumerFactory<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        ExponentialBackOff backOff = new ExponentialBackOff(initial.toMillis(), 2.0);
        backOff.setMaxAttempts(maxAttempts);
        var errorHandler = new DefaultErrorHandler(deadLetterRecoverer, backOff);
        // A record that cannot be read will not become readable by waiting.
        errorHandler.addNotRetryableExceptions(SerializationException.class);
        factory.setCommonErrorHandler(errorHandler);
        return factory;
    }

    private static Map<String, Object> reliableProducer(KafkaProperties properties) {
        Map<String, Object> config = properties.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }
}
