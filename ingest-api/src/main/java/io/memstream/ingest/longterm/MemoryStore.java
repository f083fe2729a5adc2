package io.memstream.ingest.longterm;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.events.FactKey;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Reads of long-term memory from Postgres, through the {@code long_term_memories} view. */
@Repository
class MemoryStore {

    private static final Logger log = LoggerFactory.getLogger(MemoryStore.class);

    static final String COLUMNS = """
            m.id, m.user_id, m.namespace, m.session_id, m.text, m.memory_type, m.topics, m.entities,
            m.extraction_strategy, m.extractor, m.extracted_from, m.pinned, m.access_count, m.last_accessed,
            m.created_at, m.updated_at, m.persisted_at, m.event_date, m.memory_hash, m.confidence, m.fact_key""";

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final JdbcTemplate streaming;
    private final TransactionTemplate readOnly;
    private final TransactionTemplate readWrite;

    MemoryStore(JdbcTemplate jdbc, JsonMapper json, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.json = json;
        // The Postgres driver streams a result (rather than loading it whole) only inside a
        // transaction and with a fetch size.
        this.streaming = new JdbcTemplate(jdbc.getDataSource());
        this.streaming.setFetchSize(1_000);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.readWrite = new TransactionTemplate(transactions);
    }

    /** A learned or stored memory first, should a conversation turn share its id. */
    List<MemoryRecord> byId(String tenant, String id) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM long_term_memories m WHERE m.tenant_id = ? AND m.id = ?"
                        + " ORDER BY m.memory_type = 'message', m.updated_at DESC",
                (rs, i) -> record(rs),
                tenant,
                id);
    }

    /** The row and its dedup key; empty when no memory has this id. */
    List<StoredMemory> stored(String tenant, String id) {
        return jdbc.query(
                "SELECT " + COLUMNS + ", f.value::text AS value FROM long_term_memories m"
                        + " LEFT JOIN visible_facts f ON f.tenant_id = m.tenant_id AND f.user_id = m.user_id AND f.namespace = m.namespace"
                        + " AND f.fact_key = m.fact_key"
                        + " WHERE m.tenant_id = ? AND m.id = ? ORDER BY m.memory_type = 'message', m.updated_at DESC",
                (rs, i) -> {
                    MemoryRecord record = record(rs);
                    String key = rs.getString("fact_key");
                    if (key == null) {
                        return new StoredMemory(record, null, null);
                    }
                    return new StoredMemory(
                            record,
                            new FactKey(tenant, rs.getString("user_id"), rs.getString("namespace"), key),
                            json.readTree(rs.getString("value")));
                },
                tenant,
                id);
    }

    /**
     * The free-text memory of the same user and namespace nearest in meaning, if within the distance,
     * among those embedded by {@code model} (another model's vectors are not comparable).
     */
    Optional<StoredMemory> mostSimilar(FactKey key, float[] vector, String model, double maxDistance) {
        return jdbc
                .query(
                        // The vector is parsed once (a generic plan would otherwise parse it per row).
                        "WITH q AS MATERIALIZED (SELECT ?::vector AS v)"
                                + " SELECT " + COLUMNS + ", f.value::text AS value FROM q, long_term_memories m"
                                + " JOIN visible_facts f ON f.tenant_id = m.tenant_id AND f.user_id = m.user_id AND f.namespace = m.namespace"
                                + " AND f.fact_key = m.fact_key"
                                + " WHERE m.tenant_id = ? AND m.user_id = ? AND m.namespace = ?"
                                + " AND m.fact_key LIKE 'memory:%' AND m.embedding_model = ?"
                                + " AND m.embedding <=> q.v <= ?"
                                + " ORDER BY m.embedding <=> q.v LIMIT 1",
                        (rs, i) -> new StoredMemory(
                                record(rs),
                                new FactKey(key.tenantId(), key.userId(), key.namespace(), rs.getString("fact_key")),
                                json.readTree(rs.getString("value"))),
                        Embedder.literal(vector),
                        key.tenantId(),
                        key.userId(),
                        key.namespace(),
                        model,
                        maxDistance)
                .stream()
                .findFirst();
    }

    /**
     * The turns of {@code turn}'s session just before and just after it, up to {@code n} each, in the
     * session's order. Same tenant, user and namespace as the turn.
     */
    List<MemoryRecord> adjacentTurns(String tenant, MemoryRecord turn, int n) {
        String side = "SELECT " + COLUMNS + " FROM long_term_memories m WHERE m.tenant_id = ?"
                + " AND m.memory_type = 'message' AND COALESCE(m.user_id, '') = ? AND m.namespace = ?"
                + " AND m.session_id = ? AND m.created_at %s ? ORDER BY m.created_at %s, m.id LIMIT ?";
        String user = Objects.requireNonNullElse(turn.userId(), "");
        Timestamp at = Timestamp.from(turn.createdAt());
        java.util.function.BiFunction<String, String, List<MemoryRecord>> turns = (comparison, order) -> jdbc.query(
                side.formatted(comparison, order),
                (rs, i) -> record(rs),
                tenant,
                user,
                turn.namespace(),
                turn.sessionId(),
                at,
                n);
        List<MemoryRecord> before = turns.apply("<", "DESC");
        List<MemoryRecord> after = turns.apply(">", "ASC");
        List<MemoryRecord> out = new ArrayList<>(before.reversed());
        out.addAll(after);
        return out;
    }

    /**
     * Deletes archived conversation turns (they are not dedup's, so they are deleted here), each by
     * its user and id: turn ids are unique per user.
     */
    int deleteTurns(String tenant, List<MemoryRecord> turns) {
        return turns.isEmpty()
                ? 0
                : jdbc.update(
                        "DELETE FROM conversation_turns t USING unnest(?::text[], ?::text[]) AS d(user_id, turn_id)"
                                + " WHERE t.tenant_id = ? AND COALESCE(t.user_id, '') = d.user_id AND t.turn_id = d.turn_id",
                        turns.stream()
                                .map(m -> Objects.requireNonNullElse(m.userId(), ""))
                                .toArray(String[]::new),
                        turns.stream().map(MemoryRecord::id).toArray(String[]::new),
                        tenant);
    }

    void query(String sql, List<Object> args, RowCallbackHandler rows) {
        jdbc.query(sql, rows, args.toArray());
    }

    /** Like {@link #query}, for results of any size: rows arrive a thousand at a time. */
    void scan(String sql, List<Object> args, RowCallbackHandler rows) {
        readOnly.executeWithoutResult(status -> streaming.query(sql, rows, args.toArray()));
    }

    MemoryRecord record(ResultSet rs) throws SQLException {
        String user = rs.getString("user_id");
        String extractor = rs.getString("extractor");
        var metadata = json.createObjectNode();
        if (rs.getString("fact_key") != null) {
            metadata.put("key", rs.getString("fact_key"));
            metadata.put("confidence", rs.getDouble("confidence"));
        }
        if (extractor != null) {
            metadata.put("extractor", extractor);
        }
        java.sql.Date eventDate = rs.getDate("event_date");
        return new MemoryRecord(
                rs.getString("id"),
                rs.getString("text"),
                rs.getString("session_id"),
                user == null || user.isEmpty() ? null : user,
                rs.getString("namespace"),
                instant(rs.getTimestamp("last_accessed")),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")),
                rs.getBoolean("pinned"),
                rs.getInt("access_count"),
                strings(rs.getArray("topics")),
                strings(rs.getArray("entities")),
                rs.getString("memory_hash"),
                "t",
                rs.getString("memory_type"),
                instant(rs.getTimestamp("persisted_at")),
                strings(rs.getArray("extracted_from")),
                eventDate == null
                        ? null
                        : eventDate.toLocalDate().atStartOfDay().toInstant(ZoneOffset.UTC),
                rs.getString("extraction_strategy"),
                json.createObjectNode(),
                metadata);
    }

    static LocalDate date(Instant instant) {
        return instant == null ? null : LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    private static List<String> strings(Array array) throws SQLException {
        List<String> out = new ArrayList<>();
        if (array != null) {
            for (Object o : (Object[]) array.getArray()) {
                out.add((String) o);
            }
        }
        return out;
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
