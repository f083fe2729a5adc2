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
     * @param turnsWithContext turns whose keyword index holds their context
     * @param rows memories and turns
     * @param rowsWithVector rows with a vector of {@code model}
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
        String counts = "SELECT count(*) AS n, count(*) FILTER (WHERE embedding_model = ?) AS vectors,"
                + " count(*) FILTER (WHERE %s) AS contextual FROM %s WHERE " + scope;
        long[] turns = count(counts.formatted("search_index IS NOT NULL", "conversation_turns"), args);
        long[] facts = count(counts.formatted("true", "facts"), args);
        long rows = turns[0] + facts[0];
        long vectors = turns[1] + facts[1];
        return new Progress(
                embedder.name(), turns[0], turns[2], rows, vectors, turns[2] == turns[0] && vectors == rows);
    }

    private long[] count(String sql, List<Object> scope) {
        List<Object> args = new ArrayList<>(List.of(embedder.name()));
        args.addAll(scope);
        return jdbc.queryForObject(
                sql,
                (rs, i) -> new long[] {rs.getLong("n"), rs.getLong("vectors"), rs.getLong("contextual")},
                args.toArray());
    }
}
