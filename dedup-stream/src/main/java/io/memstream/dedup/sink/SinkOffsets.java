package io.memstream.dedup.sink;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The sinks' consumed positions, kept in Postgres next to the rows written from them. Offsets only
 * mean something for one Kafka cluster: pointing an existing database at a new cluster needs a new
 * {@code memstream.sink.offsets-scope}.
 */
@Component
class SinkOffsets {

    private final JdbcTemplate jdbc;
    private final String scope;

    SinkOffsets(JdbcTemplate jdbc, @Value("${memstream.sink.offsets-scope:memstream}") String scope) {
        this.jdbc = jdbc;
        this.scope = scope;
    }

    Map<TopicPartition, Long> load(String sink, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> found = new HashMap<>();
        for (TopicPartition tp : partitions) {
            jdbc.query(
                    "SELECT next_offset FROM sink_offsets WHERE sink = ? AND topic = ? AND partition = ?",
                    rs -> {
                        found.put(tp, rs.getLong(1));
                    },
                    scoped(sink),
                    tp.topic(),
                    tp.partition());
        }
        return found;
    }

    /**
     * Locks this sink's offset rows for the partitions (creating them at 0 if new) and returns the
     * next offset stored for each. Must run in the transaction that writes the rows: a second
     * instance holding the same partitions after a rebalance waits here, then sees what was applied.
     */
    Map<TopicPartition, Long> lock(String sink, Collection<TopicPartition> partitions) {
        jdbc.batchUpdate(
                """
                INSERT INTO sink_offsets (sink, topic, partition, next_offset) VALUES (?, ?, ?, 0)
                ON CONFLICT (sink, topic, partition) DO NOTHING
                """,
                partitions.stream()
                        .map(tp -> new Object[] {scoped(sink), tp.topic(), tp.partition()})
                        .toList());
        Map<TopicPartition, Long> locked = new HashMap<>();
        for (TopicPartition tp : partitions) {
            locked.put(
                    tp,
                    jdbc.queryForObject(
                            "SELECT next_offset FROM sink_offsets WHERE sink = ? AND topic = ? AND partition = ?"
                                    + " FOR UPDATE",
                            Long.class,
                            scoped(sink),
                            tp.topic(),
                            tp.partition()));
        }
        return locked;
    }

    /** Must run in the transaction that wrote the rows for these offsets; offsets never move back. */
    void save(String sink, Map<TopicPartition, Long> nextOffsets) {
        jdbc.batchUpdate(
                """
                INSERT INTO sink_offsets (sink, topic, partition, next_offset) VALUES (?, ?, ?, ?)
                ON CONFLICT (sink, topic, partition)
                DO UPDATE SET next_offset = GREATEST(sink_offsets.next_offset, excluded.next_offset)
                """,
                nextOffsets.entrySet().stream()
                        .map(e -> new Object[] {
                            scoped(sink), e.getKey().topic(), e.getKey().partition(), e.getValue()
                        })
                        .toList());
    }

    private String scoped(String sink) {
        return scope + "/" + sink;
    }
}
