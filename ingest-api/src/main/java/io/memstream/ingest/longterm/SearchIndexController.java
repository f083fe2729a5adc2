package io.memstream.ingest.longterm;

import io.memstream.common.embeddings.Embedder;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.tenancy.TenantResolver;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * How far the background re-indexing has come for the caller's tenant (or its user, for a user's
 * key): turns indexed with their context, and vectors made by the configured model. Until a row is
 * done, keyword search serves it from its own words and semantic search leaves it out.
 */
@RestController
class SearchIndexController {

    /**
     * @param model the embedding model search uses
     * @param turns turns archived
     * @param turnsWithContext turns indexed with their context, in their keyword index and their vector
     * @param rows memories and turns
     * @param rowsWithVector rows with a vector of {@code model} (for a turn, of the turn and its context)
     * @param complete every row is indexed both ways (a row whose text the model refused stays
     *     without a vector, dead-lettered, and keeps this false)
     */
    record Progress(
            String model, long turns, long turnsWithContext, long rows, long rowsWithVector, boolean complete) {}

    private final JdbcTemplate jdbc;
    private final Embedder embedder;
    private final TenantResolver tenants;

    SearchIndexController(JdbcTemplate jdbc, Embedder embedder, TenantResolver tenants) {
        this.jdbc = jdbc;
        this.embedder = embedder;
        this.tenants = tenants;
    }

    @GetMapping("/v1/search-index")
    Progress progress() {
        Caller caller = tenants.current();
        String scope = caller.boundUserId() == null ? "tenant_id = ?" : "tenant_id = ? AND user_id = ?";
        List<Object> args = new ArrayList<>(List.of(caller.tenant()));
        if (caller.boundUserId() != null) {
            args.add(caller.boundUserId());
        }
        // A turn is indexed with its context both ways: its keyword index, and its vector (made under
        // the model's turn name, Embedder.turnVector).
        String turnModel = embedder.turnModelName();
        long[] turns = count(
                "conversation_turns",
                scope,
                List.of(turnModel, turnModel),
                "search_index IS NOT NULL AND embedding_model = ?",
                args);
        long[] facts = count("facts", scope, List.of(embedder.name()), "true", args);
        long rows = turns[0] + facts[0];
        long vectors = turns[1] + facts[1];
        return new Progress(
                embedder.name(), turns[0], turns[2], rows, vectors, turns[2] == turns[0] && vectors == rows);
    }

    /** Rows, rows with a vector of the model (the first model argument), rows indexed with context. */
    private long[] count(String table, String scope, List<String> models, String contextual, List<Object> scopeArgs) {
        List<Object> args = new ArrayList<>(models);
        args.addAll(scopeArgs);
        return jdbc.queryForObject(
                "SELECT count(*) AS n, count(*) FILTER (WHERE embedding_model = ?) AS vectors,"
                        + " count(*) FILTER (WHERE " + contextual + ") AS contextual FROM " + table + " WHERE " + scope,
                (rs, i) -> new long[] {rs.getLong("n"), rs.getLong("vectors"), rs.getLong("contextual")},
                args.toArray());
    }
}
