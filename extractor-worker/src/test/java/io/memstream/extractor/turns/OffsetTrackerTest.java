package io.memstream.extractor.turns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Sessions finish out of order; a partition is committed only up to its oldest unfinished turn. */
class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("memstream.turns", 0);
    private static final TopicPartition P1 = new TopicPartition("memstream.turns", 1);

    @Test
    void aPartitionIsCommittedOnlyUpToItsOldestUnfinishedOffset() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Claim claim = null;
        for (long offset = 10; offset < 15; offset++) {
            claim = tracker.started(P0, offset);
        }
        claim.done(12);
        claim.done(13);

        assertThat(tracker.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(10)));

        claim.done(10);
        claim.done(11);
        assertThat(tracker.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(14)));

        claim.done(14);
        assertThat(tracker.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(15)));
    }

    @Test
    void nothingIsCommittedTwiceAndPartitionsAreIndependent() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Claim p0 = tracker.started(P0, 0);
        OffsetTracker.Claim p1 = tracker.started(P1, 7);
        p0.done(0);
        Map<TopicPartition, OffsetAndMetadata> first = tracker.committable();
        assertThat(first).containsEntry(P0, new OffsetAndMetadata(1)).containsEntry(P1, new OffsetAndMetadata(7));
        tracker.committed(first);

        assertThat(tracker.committable()).isEmpty();
        p1.done(7);
        assertThat(tracker.committable()).isEqualTo(Map.of(P1, new OffsetAndMetadata(8)));
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void aBatchFinishingAfterItsPartitionWasReassignedCannotCompleteTheNewCopies() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Claim before = tracker.started(P0, 3);
        tracker.forget(P0);
        OffsetTracker.Claim after = tracker.started(P0, 3);

        before.done(3);

        assertThat(tracker.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(3)));
        after.done(3);
        assertThat(tracker.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(4)));
    }
}
