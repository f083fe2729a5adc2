package io.memstream.extractor.turns;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition are still being worked on. Sessions finish out of order, so a
 * partition may only be committed up to its oldest unfinished record: whatever dies, no turn whose
 * results were not published is ever committed.
 */
final class OffsetTracker {

    private record Partition(NavigableSet<Long> pending, long[] next) {}

    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    void started(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition(new ConcurrentSkipListSet<>(), new long[] {0}));
        p.pending().add(offset);
        synchronized (p) {
            p.next()[0] = Math.max(p.next()[0], offset + 1);
        }
    }

    void done(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p != null) {
            p.pending().remove(offset);
        }
    }

    int inFlight() {
        return partitions.values().stream().mapToInt(p -> p.pending().size()).sum();
    }

    /** The offsets that may be committed now and were not committed yet; called by the poll thread. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            long next;
            synchronized (p) {
                Long oldest = p.pending().isEmpty() ? null : p.pending().first();
                next = oldest != null ? oldest : p.next()[0];
            }
            if (!Long.valueOf(next).equals(committed.get(tp))) {
                out.put(tp, new OffsetAndMetadata(next));
            }
        });
        return out;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    }

    void forget(TopicPartition tp) {
        partitions.remove(tp);
        committed.remove(tp);
    }
}
