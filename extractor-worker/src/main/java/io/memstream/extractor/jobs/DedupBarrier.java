package io.memstream.extractor.jobs;

import io.memstream.common.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until everything on the candidates topic so far (a rebuild's resets and candidates among it)
 * has been merged by dedup and written to Postgres by the fact sink. Only then may a rebuild show its
 * result: earlier, readers would see part of it.
 *
 * <p>Merged: dedup's committed offsets (Kafka Streams commits them in the transaction that writes the
 * changes) reach the candidates' end offsets. Written: the fact sink's offsets in Postgres leave no
 * committed change unread below the changelog's end (its transaction markers take offsets but are
 * never delivered, so the comparison reads the gap rather than trusting the numbers).
 */
final class DedupBarrier {

    private static final Duration PAUSE = Duration.ofMillis(200);

    private final Admin admin;
    private final Consumer<byte[], byte[]> consumer;
    private final JobStore store;
    private final JobSettings settings;

    DedupBarrier(Admin admin, Consumer<byte[], byte[]> consumer, JobStore store, JobSettings settings) {
        this.admin = admin;
        this.consumer = consumer;
        this.store = store;
        this.settings = settings;
    }

    /** Returns false if asked to stop first. */
    boolean await(BooleanSupplier stopping) throws InterruptedException {
        Map<TopicPartition, Long> produced = consumer.endOffsets(partitions(Topics.FACT_CANDIDATES.name()));
        while (!merged(produced)) {
            if (stopping.getAsBoolean()) {
                return false;
            }
            Thread.sleep(PAUSE);
        }
        Map<TopicPartition, Long> changes = consumer.endOffsets(partitions(Topics.FACT_CHANGELOG.name()));
        while (!written(changes)) {
            if (stopping.getAsBoolean()) {
                return false;
            }
            Thread.sleep(PAUSE);
        }
        return true;
    }

    private boolean merged(Map<TopicPartition, Long> produced) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(settings.dedupApplicationId())
                    .partitionsToOffsetAndMetadata()
                    .get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not read dedup-stream's committed offsets", e);
        }
        return produced.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata at = committed.get(e.getKey());
            return e.getValue() == 0 || (at != null && at.offset() >= e.getValue());
        });
    }

    private boolean written(Map<TopicPartition, Long> ends) {
        Map<Integer, Long> applied =
                store.sinkPositions(settings.sinkOffsetsScope() + "/facts", Topics.FACT_CHANGELOG.name());
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            long next = applied.getOrDefault(end.getKey().partition(), 0L);
            if (next < end.getValue() && hasChangesBetween(end.getKey(), next, end.getValue())) {
                return false;
            }
        }
        return true;
    }

    private boolean hasChangesBetween(TopicPartition tp, long from, long end) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        for (int polls = 0; polls < 5 && consumer.position(tp) < end; polls++) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end) {
                    return true;
                }
            }
        }
        // Not read to the end yet: count it as not written, and look again on the next round.
        return consumer.position(tp) < end;
    }

    private List<TopicPartition> partitions(String topic) {
        return consumer.partitionsFor(topic).stream()
                .map((PartitionInfo info) -> new TopicPartition(info.topic(), info.partition()))
                .toList();
    }
}
