package io.memstream.dedup.sink;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.events.Fact;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactEvent.Change;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.MemoryKeys;
import io.memstream.common.json.Json;
import io.memstream.common.topics.Topics;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Applies dedup's decisions to the facts and fact_history tables, embedding new texts in one model
 * call per batch.
 */
@Component
class FactChangelogSink extends PostgresSink<FactEvent> {

    static final String NAME = "facts";

    private static final String UPSERT_CURRENT = """
            INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, memory_type, topics, entities,
                               confidence, source_turn_ids, valid_from, valid_to, last_seen_at, session_id,
                               event_date, pinned, extractor, memory_hash, embedding, embedding_model, search_length)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::vector, ?,
                    memstream_term_count(to_tsvector('english', ?)))
            ON CONFLICT (tenant_id, user_id, namespace, fact_key) DO UPDATE SET
                id = excluded.id, value = excluded.value, text = excluded.text, memory_type = excluded.memory_type,
                topics = excluded.topics, entities = excluded.entities, confidence = excluded.confidence,
                source_turn_ids = excluded.source_turn_ids, valid_from = excluded.valid_from,
                valid_to = excluded.valid_to, last_seen_at = excluded.last_seen_at, session_id = excluded.session_id,
                event_date = excluded.event_date, pinned = excluded.pinned, extractor = excluded.extractor,
                memory_hash = excluded.memory_hash, updated_at = now(), search_length = excluded.search_length,
                -- A vector is kept only for the very text it was made from; otherwise the backfill makes one.
                embedding = CASE WHEN excluded.embedding IS NOT NULL THEN excluded.embedding
                                 WHEN facts.id = excluded.id AND facts.text = excluded.text THEN facts.embedding END,
                embedding_model = CASE WHEN excluded.embedding IS NOT NULL THEN excluded.embedding_model
                                       WHEN facts.id = excluded.id AND facts.text = excluded.text
                                       THEN facts.embedding_model END,
                -- A new text gets the backfill's full count of tries, whatever the model made of the old one.
                embedding_attempts = CASE WHEN facts.id = excluded.id AND facts.text = excluded.text
                                          THEN facts.embedding_attempts ELSE 0 END,
                -- A new memory under the key (a new id) starts its own life: no inherited use.
                access_count = CASE WHEN facts.id = excluded.id THEN facts.access_count ELSE 0 END,
                last_accessed = CASE WHEN facts.id = excluded.id THEN facts.last_accessed END,
                created_at = CASE WHEN facts.id = excluded.id THEN facts.created_at ELSE now() END
            """;

    private static final String DELETE_CURRENT =
            "DELETE FROM facts WHERE tenant_id = ? AND user_id = ? AND namespace = ? AND fact_key = ?";

    private static final String DELETE_HISTORY =
            "DELETE FROM fact_history WHERE tenant_id = ? AND user_id = ? AND namespace = ? AND fact_key = ?";

    private static final String INSERT_HISTORY = """
            INSERT INTO fact_history (fact_id, tenant_id, user_id, namespace, fact_key, value, text, confidence,
                                      source_turn_ids, valid_from, valid_to, change)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)
            """;

    /** Changes after which the current text is new, so its embedding must be computed. */
    private static final Set<Change> NEW_TEXT = EnumSet.of(Change.CREATED, Change.SUPERSEDED, Change.EDITED);

    private final JdbcTemplate jdbc;
    private final Embedder embedder;
    private final ErasedUsers erasedUsers;

    FactChangelogSink(JdbcTemplate jdbc, Embedder embedder, ErasedUsers erasedUsers, SinkSupport support) {
        super(NAME, Topics.FACT_CHANGELOG.valueSerde(), support);
        this.jdbc = jdbc;
        this.embedder = embedder;
        this.erasedUsers = erasedUsers;
    }

    @KafkaListener(
            id = "fact-sink",
            groupId = "${memstream.sink.group-prefix:memstream}-fact-sink",
            topics = "memstream.facts.changelog",
            containerFactory = "sinkContainerFactory")
    void onBatch(List<ConsumerRecord<byte[], byte[]>> records) {
        consume(records);
    }

    @Override
    void write(List<FactEvent> all) {
        // An erasure's own events still apply (they delete); nothing else about an erased user does.
        List<FactEvent> events = erasedUsers.keep(
                all,
                e -> e.change() == Change.ERASED ? "" : e.factKey().tenantId(),
                e -> e.change() == Change.ERASED ? "" : e.factKey().userId());
        // Events of one key arrive in order on one partition, so the last one per key is the row to
        // keep; the text needs a new embedding if any event in the batch changed it.
        Map<FactKey, FactEvent> last = new LinkedHashMap<>();
        Set<FactKey> newText = new HashSet<>();
        for (FactEvent e : events) {
            last.put(e.factKey(), e);
            if (NEW_TEXT.contains(e.change())) {
                newText.add(e.factKey());
            }
        }
        List<Fact> current = last.values().stream()
                .map(FactEvent::current)
                .filter(Objects::nonNull)
                .toList();
        List<Fact> toEmbed =
                current.stream().filter(f -> newText.contains(f.factKey())).toList();
        List<String> vectors = BatchEmbeddings.literals(
                embedder, toEmbed.stream().map(Fact::text).toList());
        Map<Fact, String> embeddings = new IdentityHashMap<>();
        for (int i = 0; i < toEmbed.size(); i++) {
            embeddings.put(toEmbed.get(i), vectors.get(i));
        }
        jdbc.batchUpdate(UPSERT_CURRENT, current, current.size(), (ps, f) -> bindCurrent(ps, f, embeddings.get(f)));
        List<FactKey> deleted = last.values().stream()
                .filter(e -> e.current() == null)
                .map(FactEvent::factKey)
                .toList();
        jdbc.batchUpdate(DELETE_CURRENT, deleted, deleted.size(), (ps, k) -> {
            ps.setString(1, k.tenantId());
            ps.setString(2, k.userId());
            ps.setString(3, k.namespace());
            ps.setString(4, k.key());
        });
        List<FactKey> erased = events.stream()
                .filter(e -> e.change() == Change.ERASED)
                .map(FactEvent::factKey)
                .distinct()
                .toList();
        List<FactEvent> retiring = events.stream()
                .filter(e -> e.retired() != null && e.change() != Change.RESET && !erased.contains(e.factKey()))
                .toList();
        jdbc.batchUpdate(INSERT_HISTORY, retiring, retiring.size(), (ps, e) -> bindHistory(ps, e));
        // An erased user's history goes too; what the batch would have added to it is not written.
        jdbc.batchUpdate(DELETE_HISTORY, erased, erased.size(), (ps, k) -> {
            ps.setString(1, k.tenantId());
            ps.setString(2, k.userId());
            ps.setString(3, k.namespace());
            ps.setString(4, k.key());
        });
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

    private void bindCurrent(PreparedStatement ps, Fact f, String embedding) throws SQLException {
        bindIdentity(ps, f);
        ps.setString(8, f.memoryType());
        ps.setArray(9, textArray(ps, f.topics()));
        ps.setArray(10, textArray(ps, f.entities()));
        ps.setDouble(11, f.confidence());
        ps.setArray(12, textArray(ps, f.sourceTurnIds()));
        ps.setTimestamp(13, Timestamps.of("valid_from", f.validFrom()));
        ps.setTimestamp(14, Timestamps.of("valid_to", f.validTo()));
        ps.setTimestamp(15, Timestamps.of("last_seen_at", f.lastSeenAt()));
        ps.setString(16, f.sessionId());
        ps.setObject(17, f.eventDate());
        ps.setBoolean(18, f.pinned());
        ps.setString(19, f.extractor());
        ps.setString(20, MemoryKeys.contentHash(f.text()));
        ps.setString(21, embedding);
        ps.setString(22, embedding == null ? null : embedder.name());
        ps.setString(23, f.text());
    }

    private static void bindHistory(PreparedStatement ps, FactEvent e) throws SQLException {
        Fact f = e.retired();
        bindIdentity(ps, f);
        ps.setDouble(8, f.confidence());
        ps.setArray(9, textArray(ps, f.sourceTurnIds()));
        ps.setTimestamp(10, Timestamps.of("valid_from", f.validFrom()));
        ps.setTimestamp(11, Timestamps.of("valid_to", f.validTo()));
        ps.setString(12, e.change().name().toLowerCase(Locale.ROOT));
    }

    private static java.sql.Array textArray(PreparedStatement ps, List<String> values) throws SQLException {
        return ps.getConnection().createArrayOf("text", values.toArray());
    }
}
