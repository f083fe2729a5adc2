package io.memstream.extractor.turns;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition are still being worked on. Sessions finish out of order, so a
 * partition may only be committed up to its oldest unfinished record: whatever dies, no turn whose
 * results were not published is ever committed.
 *
 * <p>Each assignment of a partition is tracked by its own {@link Claim}: a batch that finishes after
 * its partition was revoked (and perhaps assigned again) reports to the old claim and cannot mark
 * the new copies of its records as done.
 */
final class OffsetTracker {

    /** One assignment's view of one partition. */
    static final class Claim {
        private final NavigableSet<Long> pending = new ConcurrentSkipListSet<>();
        private final AtomicLong next = new AtomicLong();

        void done(long offset) {
            pending.remove(offset);
        }
    }

    private final Map<TopicPartition, Claim> claims = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** Called by the poll thread for every record it takes on; the claim is where it reports back. */
    Claim started(TopicPartition tp, long offset) {
        Claim claim = claims.computeIfAbsent(tp, k -> new Claim());
        claim.pending.add(offset);
        claim.next.accumulateAndGet(offset + 1, Math::max);
        return claim;
    }

    int inFlight() {
        return claims.values().stream().mapToInt(c -> c.pending.size()).sum();
    }

    /** The offsets that may be committed now and were not committed yet; called by the poll thread. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        claims.forEach((tp, claim) -> {
            // Read "next" first: a record taken on after this point is not older than it.
            long next = claim.next.get();
            Long oldest = claim.pending.ceiling(Long.MIN_VALUE);
            long committable = oldest != null ? Math.min(oldest, next) : next;
            if (!Long.valueOf(committable).equals(committed.get(tp))) {
                out.put(tp, new OffsetAndMetadata(committable));
            }
        });
        return out;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    }

    void forget(TopicPartition tp) {
        claims.remove(tp);
        committed.remove(tp);
    }
}
