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
        for (long offset = 10; offset < 15; offset++) {
            tracker.started(P0, offset);
        }
        tracker.done(P0, 12);
        tracker.done(P0, 13);

        assertThat(tracker.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(10)));

        tracker.done(P0, 10);
        tracker.done(P0, 11);
        assertThat(tracker.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(14)));

        tracker.done(P0, 14);
        assertThat(tracker.committable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(15)));
    }

    @Test
    void nothingIsCommittedTwiceAndPartitionsAreIndependent() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.started(P0, 0);
        tracker.started(P1, 7);
        tracker.done(P0, 0);
        Map<TopicPartition, OffsetAndMetadata> first = tracker.committable();
        assertThat(first).containsEntry(P0, new OffsetAndMetadata(1)).containsEntry(P1, new OffsetAndMetadata(7));
        tracker.committed(first);

        assertThat(tracker.committable()).isEmpty();
        tracker.done(P1, 7);
        assertThat(tracker.committable()).isEqualTo(Map.of(P1, new OffsetAndMetadata(8)));
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void aForgottenPartitionIsNoLongerCommitted() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.started(P0, 3);
        tracker.forget(P0);
        tracker.done(P0, 3);

        assertThat(tracker.committable()).isEmpty();
    }
}
