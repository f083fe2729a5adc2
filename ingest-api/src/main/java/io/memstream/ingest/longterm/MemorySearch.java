package io.memstream.ingest.longterm;

import io.memstream.common.embeddings.Embedder;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.web.InvalidFieldException;
import io.memstream.ingest.web.TextRules;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;

/**
 * Search over memories and conversation turns: semantic (pgvector cosine distance), keyword
 * (Postgres full-text) or hybrid, with every AMS filter, an optional recency boost, and a total that
 * counts every match, not just the page.
 */
@Service
public class MemorySearch {

    /**
     * The query's vector and its words. A memory matches a keyword search if it has any of the words
     * (ranked by how many and how close): a question is rarely worded like the memory that answers it,
     * so requiring every word (Postgres's default) finds almost nothing.
     */
    // MATERIALIZED: computed once per query. Inlined, a prepared statement's generic plan (the driver
    // prepares a statement after five uses) parsed the vector's text for every row it scored: 355 ms
    // instead of 35 for a user with 10k memories.
    private static final String QUERY = "WITH q AS MATERIALIZED (SELECT CAST(? AS vector) AS v,"
            + " NULLIF(replace(plainto_tsquery('english', ?)::text, ' & ', ' | '), '')::tsquery AS tsq)";

    private final MemoryStore store;
    private final Embedder embedder;
    private final Clock clock;

    MemorySearch(MemoryStore store, Embedder embedder, Clock clock) {
        this.store = store;
        this.embedder = embedder;
        this.clock = clock;
    }

    public SearchResults search(Caller caller, SearchRequest r) {
        String mode = r.searchMode() == null ? "semantic" : r.searchMode().toLowerCase(Locale.ROOT);
        if (!List.of("semantic", "keyword", "hybrid").contains(mode)) {
            throw new InvalidFieldException("search_mode", "must be semantic, keyword or hybrid");
        }
        int limit = r.limit() == null ? 10 : r.limit();
        if (limit < 1 || limit > 100) {
            throw new InvalidFieldException("limit", "must be between 1 and 100");
        }
        int offset = r.offset() == null ? 0 : r.offset();
        if (offset < 0) {
            throw new InvalidFieldException("offset", "must not be negative");
        }
        if (r.distanceThreshold() != null && !mode.equals("semantic")) {
            throw new InvalidFieldException("distance_threshold", "applies to semantic search only");
        }
        if (r.distanceThreshold() != null && !(r.distanceThreshold() >= 0 && r.distanceThreshold() <= 2)) {
            throw new InvalidFieldException("distance_threshold", "is a cosine distance, between 0 and 2");
        }
        double alpha = unit("hybrid_alpha", r.hybridAlpha(), 0.7);
        Recency recency = Recency.from(r);
        // Text with nothing visible in it (spaces, zero-width characters) has nothing to search by:
        // it lists by the filters, as empty text does.
        boolean hasText = r.text() != null && TextRules.problem(r.text(), true) == null;
        if (r.text() != null && r.text().length() > 10_000) {
            throw new InvalidFieldException("text", "must be at most 10000 characters");
        }
        if (r.text() != null && !hasText && TextRules.problem(r.text(), false) != null) {
            throw new InvalidFieldException("text", TextRules.problem(r.text(), false));
        }
        SearchFilters.requireStorable(r);

        List<Object> args = new ArrayList<>();
        // Each is computed once per row in the inner query (the distance twice with a distance_threshold,
        // whose filter needs it there), and the outer query scores from them.
        String distExpr = hasText && !mode.equals("keyword") ? "(m.embedding <=> q.v)" : "0::double precision";
        String rankExpr =
                hasText && !mode.equals("semantic") ? "ts_rank_cd(m.search_text, q.tsq, 32)" : "0::double precision";
        String dist = "m.distance";
        String keyword = "m.rank";
        String relevance = switch (hasText ? mode : "none") {
            case "semantic" -> "GREATEST(0, 1 - " + dist + ")";
            case "keyword" -> keyword;
            case "hybrid" -> alpha + " * GREATEST(0, 1 - " + dist + ") + " + (1 - alpha) + " * " + keyword;
            default -> "1::double precision";
        };
        String score = recency == null ? relevance : recency.sql(relevance);
        String shownDist = mode.equals("keyword") && hasText ? "1 - " + keyword : dist;

        SqlWhere where = new SqlWhere().and("m.tenant_id = ?", caller.tenant());
        if (caller.boundUserId() != null) {
            // A user's key sees its own user's memories, whatever the filters say.
            String asked = SearchFilters.equalsValue(r.userId());
            caller.userId(asked);
            where.and("m.user_id = ?", caller.boundUserId());
        }
        SearchFilters.apply(r, where);
        if (hasText && !mode.equals("keyword")) {
            where.and("m.embedding IS NOT NULL");
        }
        if (hasText && mode.equals("keyword")) {
            where.and("m.search_text @@ q.tsq");
        }
        if (r.distanceThreshold() != null && hasText) {
            where.and(distExpr + " <= ?", r.distanceThreshold());
        }

        // The inner query is fenced (OFFSET 0) so that it computes each row's distance and rank once,
        // and only those narrow rows reach the window count: left to the planner, the count carried
        // every row's embedding and spilled it to disk (a user with 10k memories: 70 ms, 37 ms fenced).
        String sql = QUERY
                + " SELECT m.*, " + shownDist + " AS dist, " + score + " AS score, count(*) OVER () AS total"
                + " FROM (SELECT " + MemoryStore.COLUMNS + ", " + distExpr + " AS distance, " + rankExpr
                + " AS rank FROM long_term_memories m, q WHERE " + where.sql() + " OFFSET 0) m"
                + " ORDER BY score DESC, m.created_at DESC, m.id LIMIT ? OFFSET ?";
        args.add(hasText && !mode.equals("keyword") ? Embedder.literal(embedder.embed(r.text())) : null);
        args.add(hasText ? r.text() : "");
        args.addAll(where.args());
        args.add(limit);
        args.add(offset);

        List<MemoryRecordResult> hits = new ArrayList<>();
        long[] total = {0};
        store.query(sql, args, rs -> {
            total[0] = rs.getLong("total");
            hits.add(new MemoryRecordResult(
                    store.record(rs), rs.getDouble("dist"), clamp(rs.getDouble("score")), hasText ? mode : "none"));
        });
        if (hits.isEmpty() && offset > 0) {
            total[0] = count(where, args.subList(0, 2));
        }
        store.touch(
                caller.tenant(),
                hits.stream()
                        .map(MemoryRecordResult::memory)
                        .filter(m -> !"message".equals(m.memoryType()))
                        .toList(),
                clock.instant());
        Integer next = offset + hits.size() < total[0] ? offset + hits.size() : null;
        return new SearchResults(hits, total[0], next);
    }

    /** A page past the end has no rows to carry the window count; count the matches alone. */
    private long count(SqlWhere where, List<Object> query) {
        long[] n = {0};
        List<Object> args = new ArrayList<>(query);
        args.addAll(where.args());
        store.query(
                QUERY + " SELECT count(*) AS n FROM long_term_memories m, q WHERE " + where.sql(),
                args,
                rs -> n[0] = rs.getLong("n"));
        return n[0];
    }

    private static double clamp(double score) {
        return Math.max(0, Math.min(1, score));
    }

    static double unit(String field, Double value, double otherwise) {
        if (value == null) {
            return otherwise;
        }
        // A weight is written into the query; one as small as 1e-300 would underflow Postgres's
        // arithmetic, and below a millionth it changes no ranking anyway.
        if (!(value == 0 || (value >= 1e-6 && value <= 1))) {
            throw new InvalidFieldException(field, "must be 0, or between 0.000001 and 1");
        }
        return value;
    }
}
