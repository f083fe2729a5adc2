package io.memstream.dedup.sink;

import io.memstream.common.json.JsonSerde;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a topic into Postgres exactly once: each batch's rows and the next offsets are committed in
 * one database transaction, and on every partition assignment the consumer seeks to the offsets
 * stored there. Kafka's own committed offsets are never used, so a sink that dies mid-batch simply
 * redoes the uncommitted batch.
 */
abstract class PostgresSink<V> implements ConsumerSeekAware {

    private final String name;
    private final JsonSerde<V> serde;
    private final SinkOffsets offsets;
    private final TransactionTemplate transactions;
    private final DeadLetterPublishingRecoverer deadLetters;

    PostgresSink(
            String name,
            JsonSerde<V> serde,
            SinkOffsets offsets,
            TransactionTemplate transactions,
            DeadLetterPublishingRecoverer deadLetters) {
        this.name = name;
        this.serde = serde;
        this.offsets = offsets;
        this.transactions = transactions;
        this.deadLetters = deadLetters;
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        offsets.load(name, assignments.keySet()).forEach((tp, next) -> callback.seek(tp.topic(), tp.partition(), next));
    }

    /** Called by the subclass's batch listener. */
    void consume(List<ConsumerRecord<byte[], byte[]>> records) {
        List<V> values = new ArrayList<>(records.size());
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            try {
                values.add(serde.deserialize(record.topic(), record.value()));
            } catch (SerializationException e) {
                // A record we cannot read must not stop the sink: park it with the reason and move on.
                deadLetters.accept(record, e);
            }
        }
        transactions.executeWithoutResult(status -> {
            write(values.stream().filter(v -> v != null).toList());
            offsets.save(name, next);
        });
    }

    /** Writes the batch's rows; runs inside the transaction that also stores the offsets. */
    abstract void write(List<V> values);
}
