package io.memstream.dedup.sink;

import io.memstream.common.json.JsonSerde;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a topic into Postgres exactly once: each batch's rows and the next offsets are committed in
 * one database transaction, and on every partition assignment the consumer seeks to the offsets
 * stored there. Kafka's own committed offsets are never used. Records below the stored offset were
 * already applied (a redelivery, or an instance that lost its partitions) and are skipped.
 *
 * <p>A record Postgres refuses for good (a constraint or data error) is dead-lettered with the reason
 * and its offset passed, so one bad row never stops the rest; transient failures (Postgres away) are
 * retried by the container until they succeed.
 */
abstract class PostgresSink<V> implements ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(PostgresSink.class);

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
        try {
            apply(records);
        } catch (NonTransientDataAccessException e) {
            log.warn(
                    "sink {}: a batch of {} was refused ({}); applying its records one by one",
                    name,
                    records.size(),
                    e.getMessage());
            for (ConsumerRecord<byte[], byte[]> record : records) {
                applyAlone(record);
            }
        }
    }

    private void applyAlone(ConsumerRecord<byte[], byte[]> record) {
        try {
            apply(List.of(record));
        } catch (NonTransientDataAccessException e) {
            deadLetters.accept(record, e);
            transactions.executeWithoutResult(
                    status -> offsets.save(name, Map.of(partition(record), record.offset() + 1)));
        }
    }

    private void apply(List<ConsumerRecord<byte[], byte[]>> records) {
        transactions.executeWithoutResult(status -> {
            Map<TopicPartition, Long> next = new HashMap<>();
            records.forEach(r -> next.merge(partition(r), r.offset() + 1, Math::max));
            Map<TopicPartition, Long> applied = offsets.lock(name, next.keySet());
            List<V> values = new ArrayList<>(records.size());
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() < applied.get(partition(record))) {
                    continue;
                }
                try {
                    values.add(serde.deserialize(record.topic(), record.value()));
                } catch (SerializationException e) {
                    // A record we cannot read must not stop the sink: park it with the reason and move on.
                    deadLetters.accept(record, e);
                }
            }
            write(values);
            offsets.save(name, next);
        });
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** Writes the batch's rows; runs inside the transaction that also stores the offsets. */
    abstract void write(List<V> values);
}
