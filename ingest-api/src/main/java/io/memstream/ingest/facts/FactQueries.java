package io.memstream.ingest.facts;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

@Repository
class FactQueries {

    private static final String SELECT = """
            SELECT id, namespace, fact_key, value::text, text, memory_type, topics, entities, confidence,
                   source_turn_ids, valid_from, valid_to, last_seen_at, updated_at
            FROM visible_facts
            WHERE tenant_id = ? AND user_id = ? AND (?::text IS NULL OR namespace = ?) AND fact_key NOT LIKE 'memory:%'
            ORDER BY namespace, fact_key
            """;

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    FactQueries(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @param namespace null for every namespace */
    List<FactView> currentFacts(String tenant, String userId, String namespace) {
        return jdbc.query(SELECT, this::toView, tenant, userId, namespace, namespace);
    }

    private static final String HISTORY = """
            SELECT namespace, fact_key, value::text, text, confidence, source_turn_ids, valid_from, valid_to, change,
                   recorded_at
            FROM fact_history
            WHERE tenant_id = ? AND user_id = ? AND (?::text IS NULL OR namespace = ?)
            ORDER BY recorded_at DESC, id DESC
            LIMIT 1000
            """;

    /** The most recent history of each of the user's keys, newest first, keyed by "namespace/key". */
    Map<String, List<HistoryEntry>> history(String tenant, String userId, String namespace) {
        Map<String, List<HistoryEntry>> byKey = new LinkedHashMap<>();
        jdbc.query(
                HISTORY,
                rs -> {
                    byKey.computeIfAbsent(
                                    rs.getString("namespace") + "/" + rs.getString("fact_key"), k -> new ArrayList<>())
                            .add(new HistoryEntry(
                                    json.readTree(rs.getString("value")),
                                    rs.getString("text"),
                                    rs.getDouble("confidence"),
                                    strings(rs.getArray("source_turn_ids")),
                                    instant(rs.getTimestamp("valid_from")),
                                    instant(rs.getTimestamp("valid_to")),
                                    rs.getString("change"),
                                    instant(rs.getTimestamp("recorded_at"))));
                },
                tenant,
                userId,
                namespace,
                namespace);
        return byKey;
    }

    private FactView toView(ResultSet rs, int row) throws SQLException {
        return new FactView(
                rs.getString("id"),
                rs.getString("namespace"),
                rs.getString("fact_key"),
                json.readTree(rs.getString("value")),
                rs.getString("text"),
                rs.getString("memory_type"),
                strings(rs.getArray("topics")),
                strings(rs.getArray("entities")),
                rs.getDouble("confidence"),
                strings(rs.getArray("source_turn_ids")),
                instant(rs.getTimestamp("valid_from")),
                instant(rs.getTimestamp("valid_to")),
                instant(rs.getTimestamp("last_seen_at")),
                instant(rs.getTimestamp("updated_at")),
                null);
    }

    private static List<String> strings(Array array) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add((String) o);
        }
        return out;
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
