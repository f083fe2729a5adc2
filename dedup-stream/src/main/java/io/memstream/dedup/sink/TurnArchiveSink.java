package io.memstream.dedup.sink;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Archives every accepted turn into conversation_turns with its embedding (the turn alone and in its
 * context, {@code Embedder.turnVector}), for history and message search.
 */
@Component
class TurnArchiveSink extends PostgresSink<Turn> {

    static final String NAME = "turns";

    // A turn re-sent with the same id (by the same user: ids are the clients', unique per user) is
    // the same turn: the first copy stays. Its keyword index holds its context too (the session's day
    // and the turn before it, found among the rows this transaction already inserted, so a batch of
    // one session indexes each turn with the one before it); its text stays its own.
    private static final String INSERT = """
            INSERT INTO conversation_turns (tenant_id, turn_id, namespace, user_id, session_id, role, content,
                                            created_at, accepted_at, embedding, embedding_model, search_index,
                                            search_length)
            SELECT t.*, ix.v, memstream_term_count(ix.v)
            FROM (VALUES (?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?::vector, ?))
                     AS t (tenant_id, turn_id, namespace, user_id, session_id, role, content, created_at,
                           accepted_at, embedding, embedding_model),
                 LATERAL (SELECT to_tsvector('english', memstream_turn_context(t.tenant_id, t.user_id, t.namespace,
                                     t.session_id, t.created_at) || ' ' || t.content) AS v) ix
            WHERE true
            ON CONFLICT (tenant_id, (COALESCE(user_id, '')), turn_id) DO NOTHING
            """;

    private final JdbcTemplate jdbc;
    private final Embedder embedder;
    private final ErasedUsers erasedUsers;

    TurnArchiveSink(JdbcTemplate jdbc, Embedder embedder, ErasedUsers erasedUsers, SinkSupport support) {
        super(NAME, Topics.TURNS.valueSerde(), support);
        this.jdbc = jdbc;
        this.embedder = embedder;
        this.erasedUsers = erasedUsers;
    }

    @KafkaListener(
            id = "turn-archive",
            groupId = "${memstream.sink.group-prefix:memstream}-turn-archive",
            topics = "memstream.turns",
            containerFactory = "sinkContainerFactory")
    void onBatch(List<ConsumerRecord<byte[], byte[]>> records) {
        consume(records);
    }

    @Override
    void write(List<Turn> accepted) {
        List<Turn> turns = erasedUsers.keep(accepted, Turn::tenantId, Turn::userId);
        List<String> vectors = BatchEmbeddings.turnLiterals(
                embedder, turns.stream().map(Turn::content).toList(), TurnContexts.of(jdbc, turns));
        Map<Turn, String> embeddings = new IdentityHashMap<>();
        for (int i = 0; i < turns.size(); i++) {
            embeddings.put(turns.get(i), vectors.get(i));
        }
        jdbc.batchUpdate(INSERT, turns, turns.size(), (ps, t) -> {
            ps.setString(1, t.tenantId());
            ps.setString(2, t.turnId());
            ps.setString(3, t.namespace());
            ps.setString(4, t.userId());
            ps.setString(5, t.sessionId());
            ps.setString(6, t.role());
            ps.setString(7, t.content());
            ps.setTimestamp(8, Timestamps.of("created_at", t.createdAt()));
            ps.setTimestamp(9, Timestamps.of("accepted_at", t.acceptedAt()));
            String vector = embeddings.get(t);
            ps.setString(10, vector);
            ps.setString(11, vector == null ? null : embedder.turnModelName());
        });
    }
}
