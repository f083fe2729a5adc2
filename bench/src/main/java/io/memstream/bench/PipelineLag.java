package io.memstream.bench;

import io.memstream.common.topics.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What every stage still has to do, in offsets: the extractor's and dedup's consumer groups (their
 * positions are in Kafka) and the Postgres sinks (their positions are in {@code sink_offsets},
 * committed with the rows they wrote). The figures are offsets: a transaction's commit marker takes
 * one that the sinks never store, so a sink at rest may still show a few.
 */
final class PipelineLag implements AutoCloseable {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);
    /** dedup-stream's Postgres sinks (their names in sink_offsets) and the topics they read. */
    private static final Map<String, String> SINKS = Map.of(
            "turns", Topics.TURNS.name(),
            "facts", Topics.FACT_CHANGELOG.name(),
            "summaries", Topics.SESSION_SUMMARIES.name());
    /** Offsets behind, per sink, below which the records themselves are checked. */
    private static final long CLOSE = 1_000;

    private final BenchConfig config;
    private final Admin admin;
    private final Connection db;

    PipelineLag(BenchConfig config) throws Exception {
        this.config = config;
        this.admin = Admin.create(Map.of("bootstrap.servers", config.kafka()));
        try {
            this.db = config.database();
        } catch (SQLException e) {
            admin.close();
            throw e;
        }
    }

    /** Offsets each stage has yet to process, by stage. */
    Map<String, Long> byStage() throws Exception {
        Map<String, Long> lag = new LinkedHashMap<>();
        lag.put("extractor", sum(groupLag(config.extractorGroup(), Topics.TURNS.name())));
        lag.put("dedup", sum(groupLag(config.dedupGroup(), Topics.FACT_CANDIDATES.name())));
        for (var sink : SINKS.entrySet()) {
            lag.put(sink.getKey() + " sink", sum(sinkLag(sink.getKey(), sink.getValue())));
        }
        return lag;
    }

    long total() throws Exception {
        return byStage().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until every stage has consumed every record (the sinks may still show offsets of commit
     * markers), printing the backlog as it drains: a measurement on a busy pipeline would measure
     * its backlog instead.
     */
    void awaitRest(Duration timeout) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextReport = start;
        while (!atRest()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline still had work after " + timeout + ": " + byStage()
                        + " offsets to go (raise --rest-timeout-minutes, or check the services' logs)");
            }
            if (System.nanoTime() >= nextReport) {
                System.out.println("bench: waiting for the pipeline to be at rest, offsets to go: " + byStage());
                nextReport += REPORT_EVERY.toNanos();
            }
            Thread.sleep(Duration.ofMillis(500));
        }
        long waited = (System.nanoTime() - start) / 1_000_000_000L;
        if (waited > 0) {
            System.out.println("bench: the pipeline is at rest (waited " + waited + " s)");
        }
    }

    private boolean atRest() throws Exception {
        if (sum(groupLag(config.extractorGroup(), Topics.TURNS.name())) > 0
                || sum(groupLag(config.dedupGroup(), Topics.FACT_CANDIDATES.name())) > 0) {
            return false;
        }
        for (var sink : SINKS.entrySet()) {
            Map<TopicPartition, Long> positions = sinkPositions(sink.getKey(), sink.getValue());
            // Cheap first: far behind is not at rest, whatever the markers.
            if (sum(lag(sink.getValue(), positions)) > CLOSE || hasRecordsAfter(sink.getValue(), positions)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a committed record lies between a sink's positions and the end. Offsets alone cannot
     * tell: commit markers, and the gaps aborted transactions leave, take offsets no sink ever stores.
     */
    private boolean hasRecordsAfter(String topic, Map<TopicPartition, Long> positions) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        config.kafka(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
            // Under read_committed: the last stable offset, before any transaction still open.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.max(positions.getOrDefault(tp, 0L), starts.get(tp)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 30 s");
                }
            }
            return false;
        }
    }

    private Map<TopicPartition, Long> groupLag(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, Long> positions = new HashMap<>();
        committed.forEach((tp, offset) -> {
            if (tp.topic().equals(topic) && offset != null) {
                positions.put(tp, offset.offset());
            }
        });
        return lag(topic, positions);
    }

    private Map<TopicPartition, Long> sinkLag(String sink, String topic) throws Exception {
        return lag(topic, sinkPositions(sink, topic));
    }

    /** Where a sink resumes, per partition: stored with the rows it wrote. */
    private Map<TopicPartition, Long> sinkPositions(String sink, String topic) throws SQLException {
        Map<TopicPartition, Long> positions = new HashMap<>();
        try (PreparedStatement query =
                db.prepareStatement("SELECT partition, next_offset FROM sink_offsets WHERE sink = ? AND topic = ?")) {
            query.setString(1, config.sinkOffsetsScope() + "/" + sink);
            query.setString(2, topic);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    positions.put(new TopicPartition(topic, rs.getInt(1)), rs.getLong(2));
                }
            }
        }
        return positions;
    }

    /** Per partition, from the stage's position (or the log's start, if it has none) to the end. */
    private Map<TopicPartition, Long> lag(String topic, Map<TopicPartition, Long> positions) throws Exception {
        TopicDescription description =
                admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, OffsetSpec> partitions = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                admin.listOffsets(partitions).all().get();
        Map<TopicPartition, ListOffsetsResultInfo> starts = admin.listOffsets(
                        partitions.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest())))
                .all()
                .get();
        Map<TopicPartition, Long> lag = new HashMap<>();
        for (TopicPartition tp : partitions.keySet()) {
            long from = Math.max(positions.getOrDefault(tp, 0L), starts.get(tp).offset());
            lag.put(tp, Math.max(0, ends.get(tp).offset() - from));
        }
        return lag;
    }

    private static long sum(Map<TopicPartition, Long> lag) {
        return lag.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() throws SQLException {
        admin.close();
        db.close();
    }
}
