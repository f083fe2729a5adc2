package io.memstream.dedup.sink;

import io.memstream.common.embeddings.Embedder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gives a vector to every memory and turn that has none: rows the sinks wrote while the model failed,
 * and rows from before embeddings existed. Each update checks that the text is still the one that
 * was embedded, so it never races a newer write; running it on several instances is harmless.
 */
@Component
class EmbeddingBackfill {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingBackfill.class);
    private static final int BATCH = 256;

    private final JdbcTemplate jdbc;
    private final Embedder embedder;

    EmbeddingBackfill(JdbcTemplate jdbc, Embedder embedder) {
        this.jdbc = jdbc;
        this.embedder = embedder;
    }

    private record Missing(String tenant, String id, String text) {}

    @Scheduled(
            initialDelayString = "${memstream.embeddings.backfill-interval:30s}",
            fixedDelayString = "${memstream.embeddings.backfill-interval:30s}")
    void backfill() {
        int facts = fill(
                "SELECT tenant_id, id, text FROM facts WHERE embedding IS NULL LIMIT " + BATCH,
                "UPDATE facts SET embedding = ?::vector WHERE tenant_id = ? AND id = ? AND text = ? AND embedding IS NULL");
        int turns = fill(
                "SELECT tenant_id, turn_id AS id, content AS text FROM conversation_turns WHERE embedding IS NULL LIMIT "
                        + BATCH,
                "UPDATE conversation_turns SET embedding = ?::vector WHERE tenant_id = ? AND turn_id = ? AND content = ?"
                        + " AND embedding IS NULL");
        if (facts + turns > 0) {
            log.info("embedding backfill: {} memories and {} turns got vectors", facts, turns);
        }
    }

    /** Batch after batch until none is missing or the model fails; returns how many were filled. */
    private int fill(String select, String update) {
        int filled = 0;
        while (true) {
            List<Missing> missing = jdbc.query(
                    select,
                    (rs, i) -> new Missing(rs.getString("tenant_id"), rs.getString("id"), rs.getString("text")));
            if (missing.isEmpty()) {
                return filled;
            }
            List<String> vectors = BatchEmbeddings.literals(
                    embedder, missing.stream().map(Missing::text).toList());
            if (vectors.getFirst() == null) {
                return filled;
            }
            int[][] updated = jdbc.batchUpdate(update, missing, missing.size(), (ps, m) -> {
                ps.setString(1, vectors.get(missing.indexOf(m)));
                ps.setString(2, m.tenant());
                ps.setString(3, m.id());
                ps.setString(4, m.text());
            });
            int n = 0;
            for (int[] chunk : updated) {
                for (int count : chunk) {
                    n += Math.max(count, 0);
                }
            }
            filled += n;
            if (missing.size() < BATCH || n == 0) {
                return filled;
            }
        }
    }
}
