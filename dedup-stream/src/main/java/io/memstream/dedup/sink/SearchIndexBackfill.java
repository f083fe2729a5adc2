package io.memstream.dedup.sink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Indexes the turns archived before contextual indexing existed (V11) with their context, and gives
 * older memories their BM25 length, a batch at a time in the background: search serves those rows
 * from their old index meanwhile, and {@code GET /v1/search-index} shows how far this got. Each
 * update touches only rows still without an index, so several instances, or a sink writing beside
 * it, never undo each other's work.
 */
@Component
class SearchIndexBackfill {

    private static final Logger log = LoggerFactory.getLogger(SearchIndexBackfill.class);
    static final int BATCH = 1_000;

    private static final String INDEX_TURNS = """
            UPDATE conversation_turns t SET search_index = ix.v, search_length = memstream_term_count(ix.v)
            FROM (SELECT c.ctid AS row_id,
                         to_tsvector('english', memstream_turn_context(c.tenant_id, c.user_id, c.namespace,
                             c.session_id, c.created_at) || ' ' || c.content) AS v
                  FROM conversation_turns c WHERE c.search_index IS NULL LIMIT %d) ix
            WHERE t.ctid = ix.row_id AND t.search_index IS NULL
            """.formatted(BATCH);

    private static final String MEASURE_FACTS = """
            UPDATE facts SET search_length = memstream_term_count(search_text)
            WHERE ctid IN (SELECT ctid FROM facts WHERE search_length IS NULL LIMIT %d) AND search_length IS NULL
            """.formatted(BATCH);

    private final JdbcTemplate jdbc;

    SearchIndexBackfill(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Scheduled(
            initialDelayString = "${memstream.search-index.backfill-interval:10s}",
            fixedDelayString = "${memstream.search-index.backfill-interval:10s}")
    void backfill() {
        try {
            int turns = drain(INDEX_TURNS);
            int facts = drain(MEASURE_FACTS);
            if (turns + facts > 0) {
                log.info(
                        "search index backfill: {} turns indexed with their context, {} memories measured",
                        turns,
                        facts);
            }
        } catch (RuntimeException e) {
            log.warn("search index backfill: this run stopped ({}); the next one carries on", e.toString());
        }
    }

    /** Runs the batch update until it finds nothing left; each batch is its own transaction. */
    private int drain(String update) {
        int total = 0;
        int done;
        do {
            done = jdbc.update(update);
            total += done;
        } while (done == BATCH);
        return total;
    }
}
