package io.memstream.dedup.sink;

import io.memstream.common.events.Turn;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Each turn of a batch read after its context, the text a turn's second vector is made from (see
 * {@code Embedder.turnVector}): the session's day and the turn before it, as the keyword index has
 * them ({@code memstream_turn_context}). The turn before may be stored already or earlier in the
 * same batch, not yet inserted, so both are looked at in one statement.
 */
final class TurnContexts {

    private static final String SQL = """
            WITH b AS (SELECT tenant_id, user_id, namespace, session_id,
                              'epoch'::timestamptz + seconds * interval '1 second' + micros * interval '1 microsecond'
                                  AS created_at, content, i
                       FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::integer[], ?::text[])
                           WITH ORDINALITY AS b (tenant_id, user_id, namespace, session_id, seconds, micros, content, i))
            SELECT to_char(b.created_at AT TIME ZONE 'UTC', 'FMDay FMDD FMMonth YYYY')
                   || COALESCE(' ' || (SELECT p.content FROM (
                          (SELECT t.content, t.created_at FROM conversation_turns t
                           WHERE t.tenant_id = b.tenant_id AND t.namespace = b.namespace AND t.session_id = b.session_id
                             AND t.user_id IS NOT DISTINCT FROM b.user_id AND t.created_at < b.created_at
                           ORDER BY t.created_at DESC LIMIT 1)
                          UNION ALL
                          (SELECT o.content, o.created_at FROM b o
                           WHERE o.tenant_id = b.tenant_id AND o.namespace = b.namespace AND o.session_id = b.session_id
                             AND o.user_id IS NOT DISTINCT FROM b.user_id AND o.created_at < b.created_at
                           ORDER BY o.created_at DESC LIMIT 1)) p
                       ORDER BY p.created_at DESC LIMIT 1), '')
                   || ' ' || b.content AS text
            FROM b ORDER BY b.i""";

    private TurnContexts() {}

    /**
     * One text per turn, in order. A turn whose time Postgres cannot store is read as its own text:
     * its insert refuses it with the reason, so the lookup need not.
     */
    static List<String> of(JdbcTemplate jdbc, List<Turn> turns) {
        List<Turn> storable = turns.stream().filter(TurnContexts::storable).toList();
        List<String> read = storable.isEmpty() ? List.of() : lookUp(jdbc, storable);
        List<String> texts = new ArrayList<>(turns.size());
        int next = 0;
        for (Turn t : turns) {
            texts.add(storable(t) ? read.get(next++) : t.content());
        }
        return texts;
    }

    private static boolean storable(Turn t) {
        return !t.createdAt().isBefore(Timestamps.EARLIEST) && !t.createdAt().isAfter(Timestamps.LATEST);
    }

    private static List<String> lookUp(JdbcTemplate jdbc, List<Turn> turns) {
        return jdbc.execute((Connection c) -> {
            try (var ps = c.prepareStatement(SQL)) {
                ps.setArray(1, array(c, turns.stream().map(Turn::tenantId).toList()));
                ps.setArray(2, array(c, turns.stream().map(Turn::userId).toList()));
                ps.setArray(3, array(c, turns.stream().map(Turn::namespace).toList()));
                ps.setArray(4, array(c, turns.stream().map(Turn::sessionId).toList()));
                // As seconds since the epoch and microseconds: exact, and unlike an ISO string
                // readable by Postgres for every year it stores.
                List<Instant> at = turns.stream().map(Turn::createdAt).toList();
                ps.setArray(
                        5,
                        c.createArrayOf(
                                "bigint",
                                at.stream().map(Instant::getEpochSecond).toArray()));
                ps.setArray(
                        6,
                        c.createArrayOf(
                                "integer",
                                at.stream().map(i -> i.getNano() / 1000).toArray()));
                ps.setArray(7, array(c, turns.stream().map(Turn::content).toList()));
                List<String> texts = new ArrayList<>(turns.size());
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        texts.add(rs.getString("text"));
                    }
                }
                return texts;
            }
        });
    }

    private static Array array(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }
}
