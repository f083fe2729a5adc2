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
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a topic into Postgres exactly once: each batch's rows and the next offsets are committed in
 * one database transaction, and on every partition assignment the consumer seeks to the offsets
 * stored there. Kafka's own committed offsets are never used. Records below the stored offset were
 * already applied (a redelivery, or an instance that lost its partitions) and are skipped.
 *
 * <p>One record never stops the sink, and an outage never loses one. When a batch fails for a
 * reason that may be a record's ({@link WriteFailures}), its records are applied one by one, each in
 * its own transaction with its offset. A record that fails alone {@value #ATTEMPTS} times, each time
 * for a reason that is its own and while Postgres demonstrably answers, cannot be written: it is
 * dead-lettered with the reason and its offset passed. Anything else (Postgres away, busy or
 * misconfigured) is thrown, and the container retries the batch until it lands.
 */
abstract class PostgresSink<V> implements ConsumerSeekAware {

    /** Tries of a record alone before it is judged unwritable: a refusal of the data repeats, a fluke does not. */
    static final int ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(PostgresSink.class);

    private final String name;
    private final JsonSerde<V> serde;
    private final SinkOffsets offsets;
    private final TransactionTemplate transactions;
    private final DeadLetterPublishingRecoverer deadLetters;
    private final DatabaseProbe database;

    PostgresSink(String name, JsonSerde<V> serde, SinkSupport support) {
        this.name = name;
        this.serde = serde;
        this.offsets = support.offsets();
        this.transactions = support.transactions();
        this.deadLetters = support.deadLetters();
        this.database = support.database();
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        offsets.load(name, assignments.keySet()).forEach((tp, next) -> callback.seek(tp.topic(), tp.partition(), next));
    }

    /** Called by the subclass's batch listener. */
    void consume(List<ConsumerRecord<byte[], byte[]>> records) {
        try {
            apply(records);
            return;
        } catch (RuntimeException e) {
            if (!WriteFailures.blameTheRecord(e)) {
                throw unavailable(e);
            }
            log.warn(
                    "sink {}: a batch of {} failed ({}); applying its records one by one",
                    name,
                    records.size(),
                    WriteFailures.reason(e));
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            applyAlone(record);
        }
    }

    private void applyAlone(ConsumerRecord<byte[], byte[]> record) {
        RuntimeException failure = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                apply(List.of(record));
                return;
            } catch (RuntimeException e) {
                if (!WriteFailures.blameTheRecord(e) || !database.answers()) {
                    throw unavailable(e);
                }
                failure = e;
            }
        }
        String reason = WriteFailures.reason(failure);
        log.warn(
                "sink {}: {}-{}@{} cannot be written ({}); dead-lettered",
                name,
                record.topic(),
                record.partition(),
                record.offset(),
                reason);
        // Published before its offset passes: a crash in between dead-letters it twice, never zero times.
        deadLetters.accept(record, new UnwritableRecordException(name, reason, failure));
        transactions.executeWithoutResult(status -> offsets.save(name, Map.of(partition(record), record.offset() + 1)));
    }

    /** Logged here without a stack trace, once per attempt of the container's backoff. */
    private RuntimeException unavailable(RuntimeException e) {
        log.warn(
                "sink {}: the database cannot take writes now ({}); the batch is retried until it can",
                name,
                WriteFailures.reason(e));
        return e;
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

/** Why a record was dead-lettered by a sink; its message is the reason the dead letter carries. */
final class UnwritableRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnwritableRecordException(String sink, String reason, Throwable cause) {
        super("sink " + sink + " cannot write this record: " + reason, cause);
    }
}
