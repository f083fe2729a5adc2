package io.memstream.extractor.jobs;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactCandidate.Operation;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.extractor.turns.CandidateSender;
import io.memstream.extractor.turns.Extractor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * One run of one job: reads its ranges of the turns topic (from the offsets of its start time to the
 * end offsets captured when it first ran), extracts the turns in its scope with its extractor, and
 * publishes the candidates tagged with the job's id. After each step the positions are stored, so a
 * restart resumes there. A step redone after a crash publishes candidates whose evidence dedup has
 * already counted, so nothing is applied twice.
 */
final class ReplayExecution {

    /** How a run ended. */
    enum Outcome {
        SUCCEEDED,
        CANCELLED,
        STOPPED,
        LOST_LEASE
    }

    private final ReplayJob job;
    private final String owner;
    private final JobStore store;
    private final JobSettings settings;
    private final Extractor extractor;
    private final CandidateSender candidates;
    private final DedupBarrier barrier;

    ReplayExecution(
            ReplayJob job,
            String owner,
            JobStore store,
            JobSettings settings,
            Extractor extractor,
            CandidateSender candidates,
            DedupBarrier barrier) {
        this.job = job;
        this.owner = owner;
        this.store = store;
        this.settings = settings;
        this.extractor = extractor;
        this.candidates = candidates;
        this.barrier = barrier;
    }

    Outcome run(Consumer<byte[], byte[]> consumer, BooleanSupplier stopping) throws InterruptedException {
        boolean rebuild = job.mode().equals("rebuild");
        if (rebuild && !store.resetDone(job.id())) {
            // Readers keep the scope's old facts until the end; then learned values start from nothing.
            store.snapshot(job);
            // What dedup has merged but the sink not yet stored is in no table: wait for it, so the
            // reset below sees every learned key of the scope.
            if (!barrier.await(stopping)) {
                return Outcome.STOPPED;
            }
            publish(store.learnedKeys(job).stream().map(this::reset).toList());
            store.markResetDone(job.id());
        }
        Map<Integer, JobStore.Range> stored = store.ranges(job.id());
        if (stored.isEmpty()) {
            store.plan(job.id(), plan(consumer));
            stored = store.ranges(job.id());
        }
        Map<Integer, JobStore.Range> ranges = stored;
        Map<TopicPartition, Long> ends = new HashMap<>();
        ranges.forEach((p, r) -> {
            if (!r.finished()) {
                ends.put(new TopicPartition(Topics.TURNS.name(), p), r.end());
            }
        });
        consumer.assign(ends.keySet());
        ends.keySet().forEach(tp -> consumer.seek(tp, ranges.get(tp.partition()).next()));
        while (!ends.isEmpty()) {
            if (stopping.getAsBoolean()) {
                return Outcome.STOPPED;
            }
            // Read every step: a user erased while the job runs is skipped from then on.
            Set<String> erased = store.erasedUsers(job.tenantId());
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
            Map<Integer, Long> next = new HashMap<>();
            Map<SessionKey, List<Turn>> bySession = new LinkedHashMap<>();
            long scanned = 0;
            for (ConsumerRecord<byte[], byte[]> record : polled) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                Long end = ends.get(tp);
                if (end == null || record.offset() >= end) {
                    continue;
                }
                scanned++;
                next.merge(record.partition(), record.offset() + 1, Math::max);
                Turn turn = readable(record);
                if (turn != null && inScope(turn, erased)) {
                    bySession
                            .computeIfAbsent(
                                    new SessionKey(turn.tenantId(), turn.namespace(), turn.sessionId()),
                                    k -> new ArrayList<>())
                            .add(turn);
                }
            }
            long matched = bySession.values().stream().mapToLong(List::size).sum();
            List<FactCandidate> extracted = new ArrayList<>();
            // The same extraction as live: each session's turns in order, each turn read once.
            bySession
                    .values()
                    .forEach(turns -> extractor.extract(turns, null).stream()
                            .map(c -> c.forJob(job.id()))
                            .forEach(extracted::add));
            publish(extracted);
            // A partition the poll did not reach may already be at its end (a compacted or empty tail).
            for (TopicPartition tp : List.copyOf(ends.keySet())) {
                long position = next.getOrDefault(tp.partition(), consumer.position(tp));
                if (position >= ends.get(tp)) {
                    next.put(tp.partition(), Math.max(position, ends.get(tp)));
                    ends.remove(tp);
                }
            }
            var step = store.advance(job.id(), owner, settings.lease(), next, scanned, matched, extracted.size());
            if (step.isEmpty()) {
                return Outcome.LOST_LEASE;
            }
            // A rebuild past its reset is not cancelled: stopping there would show a half-rebuilt profile.
            if (step.get() && !rebuild) {
                return Outcome.CANCELLED;
            }
            consumer.pause(consumer.assignment().stream()
                    .filter(tp -> !ends.containsKey(tp))
                    .toList());
        }
        if (rebuild) {
            if (!barrier.await(stopping)) {
                return Outcome.STOPPED;
            }
            if (!store.endRebuild(job.id(), owner)) {
                return Outcome.LOST_LEASE;
            }
        }
        return Outcome.SUCCEEDED;
    }

    private FactCandidate reset(FactKey key) {
        return FactCandidate.command(Operation.RESET, "reset:" + job.id(), key, null, "rebuild", Instant.now(), false)
                .forJob(job.id());
    }

    /** From the offsets of the start time (or the beginning) to the end offsets as they are now. */
    private Map<Integer, JobStore.Range> plan(Consumer<byte[], byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(Topics.TURNS.name())) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> starts = new HashMap<>(beginnings);
        if (job.fromTime() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, job.fromTime().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            partitions.forEach(tp -> {
                OffsetAndTimestamp at = found.get(tp);
                starts.put(tp, at == null ? endOffsets.get(tp) : at.offset());
            });
        }
        Map<Integer, JobStore.Range> ranges = new HashMap<>();
        partitions.forEach(tp -> {
            long start = starts.get(tp);
            long end = Math.max(start, endOffsets.get(tp));
            ranges.put(tp.partition(), new JobStore.Range(start, end, start));
        });
        return ranges;
    }

    private boolean inScope(Turn turn, Set<String> erased) {
        return turn.tenantId().equals(job.tenantId())
                && (turn.userId() == null || !erased.contains(turn.userId()))
                && (job.userId() == null || job.userId().equals(turn.userId()))
                && (job.namespace() == null || job.namespace().equals(turn.namespace()))
                && (job.sessionId() == null || job.sessionId().equals(turn.sessionId()))
                && (job.fromTime() == null || !turn.acceptedAt().isBefore(job.fromTime()))
                && (job.toTime() == null || turn.acceptedAt().isBefore(job.toTime()));
    }

    /** A record that is not a turn was dead-lettered by live extraction; a replay passes it by. */
    private static Turn readable(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Topics.TURNS.valueSerde().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            return null;
        }
    }

    private void publish(List<FactCandidate> batch) {
        try {
            candidates.sendAll(batch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the job's candidates", e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Kafka did not acknowledge the job's candidates within " + candidates.timeout(), e);
        }
    }
}
