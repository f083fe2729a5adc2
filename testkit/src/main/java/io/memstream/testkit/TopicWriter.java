package io.memstream.testkit;

import io.memstream.common.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes records straight onto a topic of the shared broker, including ones no serde would write. */
public final class TopicWriter {

    private TopicWriter() {}

    public static <K, V> void send(TopicSpec<K, V> spec, K key, V value) {
        sendRaw(
                spec.name(),
                spec.keySerde().serialize(spec.name(), key),
                spec.valueSerde().serialize(spec.name(), value));
    }

    /** Many records through one producer, in order, all acknowledged before it returns. */
    public static <K, V> void sendAll(TopicSpec<K, V> spec, List<Map.Entry<K, V>> records) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(
                config, spec.keySerde().serializer(), spec.valueSerde().serializer())) {
            // Every send is awaited: a record the broker refused must fail the test that needed it, not
            // quietly leave its topic one record short.
            List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
            records.forEach(r -> sent.add(producer.send(new ProducerRecord<>(spec.name(), r.getKey(), r.getValue()))));
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                try {
                    sent.get(i).get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "record " + i + " of " + sent.size() + " for " + spec.name() + " was not written",
                            e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while writing to " + spec.name(), e);
                }
            }
        }
    }

    /** A poison pill: bytes that are not the topic's record type. */
    public static void sendGarbage(String topic, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sendRaw(topic, bytes, bytes);
    }

    /** Exactly these bytes, acknowledged before it returns: for records no serde would write. */
    public static void sendRaw(String topic, byte[] key, byte[] value) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write to " + topic, e);
        }
    }
}
