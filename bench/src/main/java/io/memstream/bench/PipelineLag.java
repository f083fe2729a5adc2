package io.memstream.bench;

import io.memstream.common.topics.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What every stage still has to do, in offsets: the extractor's and dedup's consumer groups (their
 * positions are in Kafka) and the Postgres sinks (their positions are in {@code sink_offsets},
 * committed with the rows they wrote). A transaction's commit marker takes an offset the sinks never
 * store, so a sink at rest may show one offset per partition.
 */
final class PipelineLag implements AutoCloseable {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final BenchConfig config;
    private final Admin admin;
    private final Connection db;

    PipelineLag(BenchConfig config) throws Exception {
        this.config = config;
        this.admin = Admin.create(Map.of("bootstrap.servers", config.kafka()));
        this.db = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword());
    }

    /** Offsets each stage has yet to process, by stage. */
    Map<String, Long> byStage() throws Exception {
        Map<String, Long> lag = new LinkedHashMap<>();
        lag.put("extractor", sum(groupLag(config.extractorGroup(), Topics.TURNS.name())));
        lag.put("dedup", sum(groupLag(config.dedupGroup(), Topics.FACT_CANDIDATES.name())));
        lag.put("turn archive", sum(sinkLag("turns", Topics.TURNS.name())));
        lag.put("fact sink", sum(sinkLag("facts", Topics.FACT_CHANGELOG.name())));
        lag.put("summary sink", sum(sinkLag("summaries", Topics.SESSION_SUMMARIES.name())));
        return lag;
    }

    long total() throws Exception {
        return byStage().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until no stage has more than one offset per partition to go (a commit marker), printing
     * the backlog as it drains: a measurement on a busy pipeline would measure its backlog instead.
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
        return groupLag(config.extractorGroup(), Topics.TURNS.name()).values().stream()
                        .allMatch(l -> l == 0)
                && groupLag(config.dedupGroup(), Topics.FACT_CANDIDATES.name()).values().stream()
                        .allMatch(l -> l == 0)
                && sinkLag("turns", Topics.TURNS.name()).values().stream().allMatch(l -> l <= 1)
                && sinkLag("facts", Topics.FACT_CHANGELOG.name()).values().stream()
                        .allMatch(l -> l <= 1)
                && sinkLag("summaries", Topics.SESSION_SUMMARIES.name()).values().stream()
                        .allMatch(l -> l <= 1);
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
        return lag(topic, positions);
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
