package io.memstream.extractor.llm;

import io.memstream.common.events.FactEvent;
import io.memstream.common.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Keeps {@link KnownKeys} up to date from the facts changelog. Every worker reads the whole
 * changelog (its own group), since any worker may extract for any user.
 */
public final class KnownKeysListener {

    private final KnownKeys keys;

    public KnownKeysListener(KnownKeys keys) {
        this.keys = keys;
    }

    @KafkaListener(
            id = "known-keys",
            groupId = "memstream-extractor-keys-#{T(java.util.UUID).randomUUID()}",
            topics = "memstream.facts.changelog",
            containerFactory = "knownKeysContainerFactory")
    void onChange(ConsumerRecord<byte[], byte[]> record) {
        try {
            FactEvent event = Topics.FACT_CHANGELOG.valueSerde().deserialize(record.topic(), record.value());
            keys.remember(event.factKey());
        } catch (SerializationException unreadable) {
            // Only a hint for prompts: an unreadable change is skipped; dedup-stream dead-letters it.
        }
    }
}
