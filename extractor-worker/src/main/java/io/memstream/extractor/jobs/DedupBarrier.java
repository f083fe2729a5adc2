package io.memstream.extractor.jobs;

import io.memstream.common.topics.Topics;
import java.time.Duration;
import java.time.Instant;
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

    /**
     * Returns false if asked to stop first.
     *
     * @throws IllegalStateException when dedup-stream does not catch up within the configured time
     */
    boolean await(BooleanSupplier stopping) throws InterruptedException {
        Instant deadline = Instant.now().plus(settings.barrierTimeout());
        Map<TopicPartition, Long> produced = consumer.endOffsets(partitions(Topics.FACT_CANDIDATES.name()));
        while (!merged(produced)) {
            if (!pause(
                    stopping,
                    deadline,
                    "merged the candidates (no progress in its consumer group '" + settings.dedupApplicationId()
                            + "')")) {
                return false;
            }
        }
        Map<TopicPartition, Long> changes = consumer.endOffsets(partitions(Topics.FACT_CHANGELOG.name()));
        while (!written(changes)) {
            if (!pause(
                    stopping,
                    deadline,
                    "stored the changes (its sink offsets under '" + settings.sinkOffsetsScope() + "/facts' lag)")) {
                return false;
            }
        }
        return true;
    }

    private boolean pause(BooleanSupplier stopping, Instant deadline, String what) throws InterruptedException {
        if (stopping.getAsBoolean()) {
            return false;
        }
        if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("dedup-stream has not " + what + " within " + settings.barrierTimeout()
                    + ": is it running, and do MEMSTREAM_DEDUP_APPLICATION_ID and MEMSTREAM_SINK_OFFSETS_SCOPE"
                    + " match it?");
        }
        Thread.sleep(PAUSE);
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
