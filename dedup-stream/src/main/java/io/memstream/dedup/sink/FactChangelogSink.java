package io.memstream.dedup.sink;

import io.memstream.common.events.Fact;
import io.memstream.common.events.FactEvent;
import io.memstream.common.json.Json;
import io.memstream.common.topics.Topics;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Applies dedup's decisions to the facts and fact_history tables. */
@Component
class FactChangelogSink extends PostgresSink<FactEvent> {

    static final String NAME = "facts";

    private static final String UPSERT_CURRENT = """
            INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, memory_type, topics, entities,
                               confidence, source_turn_ids, valid_from, valid_to, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, user_id, namespace, fact_key) DO UPDATE SET
                id = excluded.id, value = excluded.value, text = excluded.text, memory_type = excluded.memory_type,
                topics = excluded.topics, entities = excluded.entities, confidence = excluded.confidence,
                source_turn_ids = excluded.source_turn_ids, valid_from = excluded.valid_from,
                valid_to = excluded.valid_to, last_seen_at = excluded.last_seen_at, updated_at = now(),
                embedding = CASE WHEN facts.id = excluded.id THEN facts.embedding END
            """;

    private static final String INSERT_HISTORY = """
            INSERT INTO fact_history (fact_id, tenant_id, user_id, namespace, fact_key, value, text, confidence,
                                      source_turn_ids, valid_from, valid_to, change)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)
            """;

    private final JdbcTemplate jdbc;

    FactChangelogSink(
            JdbcTemplate jdbc,
            SinkOffsets offsets,
            TransactionTemplate transactions,
            DeadLetterPublishingRecoverer deadLetters) {
        super(NAME, Topics.FACT_CHANGELOG.valueSerde(), offsets, transactions, deadLetters);
        this.jdbc = jdbc;
    }

    @KafkaListener(
            id = "fact-sink",
            groupId = "memstream-fact-sink",
            topics = "memstream.facts.changelog",
            containerFactory = "sinkContainerFactory")
    void onBatch(List<ConsumerRecord<byte[], byte[]>> records) {
        consume(records);
    }

    @Override
    void write(List<FactEvent> events) {
        // Events of one key arrive in order on one partition; applying them in order keeps the last one.
        jdbc.batchUpdate(UPSERT_CURRENT, events, events.size(), (ps, e) -> bindCurrent(ps, e.current()));
        List<FactEvent> retiring =
                events.stream().filter(e -> e.retired() != null).toList();
        jdbc.batchUpdate(INSERT_HISTORY, retiring, retiring.size(), (ps, e) -> bindHistory(ps, e));
    }

    /** Both statements start with the fact's id, key and statement, in the same seven columns. */
    private static void bindIdentity(PreparedStatement ps, Fact f) throws SQLException {
        ps.setString(1, f.factId());
        ps.setString(2, f.factKey().tenantId());
        ps.setString(3, f.factKey().userId());
        ps.setString(4, f.factKey().namespace());
        ps.setString(5, f.factKey().key());
        ps.setString(6, Json.MAPPER.writeValueAsString(f.value()));
        ps.setString(7, f.text());
    }

    private static void bindCurrent(PreparedStatement ps, Fact f) throws SQLException {
        bindIdentity(ps, f);
        ps.setString(8, f.memoryType());
        ps.setArray(9, textArray(ps, f.topics()));
        ps.setArray(10, textArray(ps, f.entities()));
        ps.setDouble(11, f.confidence());
        ps.setArray(12, textArray(ps, f.sourceTurnIds()));
        ps.setTimestamp(13, timestamp(f.validFrom()));
        ps.setTimestamp(14, timestamp(f.validTo()));
        ps.setTimestamp(15, timestamp(f.lastSeenAt()));
    }

    private static void bindHistory(PreparedStatement ps, FactEvent e) throws SQLException {
        Fact f = e.retired();
        bindIdentity(ps, f);
        ps.setDouble(8, f.confidence());
        ps.setArray(9, textArray(ps, f.sourceTurnIds()));
        ps.setTimestamp(10, timestamp(f.validFrom()));
        ps.setTimestamp(11, timestamp(f.validTo()));
        ps.setString(12, e.change().name().toLowerCase(Locale.ROOT));
    }

    private static java.sql.Array textArray(PreparedStatement ps, List<String> values) throws SQLException {
        return ps.getConnection().createArrayOf("text", values.toArray());
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
