package io.memstream.ingest.longterm;

import io.memstream.common.embeddings.Embedder;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.web.InvalidFieldException;
import io.memstream.ingest.web.TextRules;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import org.springframework.stereotype.Service;

/**
 * Search over memories and conversation turns: semantic (pgvector inner product with the unit
 * query), keyword (BM25 over Postgres's full-text index, turns indexed with their context) or
 * hybrid, with every AMS filter, an optional recency boost, neighbouring turns on request, and a
 * total that counts every match, not just the page.
 */
@Service
public class MemorySearch {

    /**
     * The query's vector and its words. A memory matches a keyword search if it has any of the words
     * (ranked by BM25): a question is rarely worded like the memory that answers it, so requiring
     * every word (Postgres's default) finds almost nothing.
     */
    // MATERIALIZED: computed once per query. Inlined, a prepared statement's generic plan (the driver
    // prepares a statement after five uses) parsed the vector's text for every row it scored: 355 ms
    // instead of 35 for a user with 10k memories.
    private static final String QUERY = "WITH q AS MATERIALIZED (SELECT CAST(? AS vector) AS v,"
            + " NULLIF(replace(plainto_tsquery('english', ?)::text, ' & ', ' | '), '')::tsquery AS tsq,"
            + " tsvector_to_array(to_tsvector('english', ?)) AS terms)";

    /** Candidates taken from each part of a hybrid search. */
    static final int POOL = 100;

    /** Turns on each side of a hit that {@code expand_neighbours} may add. */
    static final int MAX_NEIGHBOURS = 5;

    private final MemoryStore store;
    private final Embedder embedder;
    private final QueryVectors queryVectors;
    private final AccessLog accessLog;
    private final Clock clock;

    MemorySearch(MemoryStore store, Embedder embedder, QueryVectors queryVectors, AccessLog accessLog, Clock clock) {
        this.store = store;
        this.embedder = embedder;
        this.queryVectors = queryVectors;
        this.accessLog = accessLog;
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

        SqlWhere where = new SqlWhere().and("m.tenant_id = ?", caller.tenant());
        if (caller.boundUserId() != null) {
            // A user's key sees its own user's memories, whatever the filters say.
            String asked = SearchFilters.equalsValue(r.userId());
            caller.userId(asked);
            where.and("m.user_id = ?", caller.boundUserId());
        }
        SearchFilters.apply(r, where);
        int neighbours = r.expandNeighbours() == null ? 0 : r.expandNeighbours();
        if (neighbours < 0 || neighbours > MAX_NEIGHBOURS) {
            throw new InvalidFieldException("expand_neighbours", "must be between 0 and " + MAX_NEIGHBOURS);
        }
        // Embedded once: a page past the end ranks a second time to count, with the same vector.
        String vector = hasText && !mode.equals("keyword") ? queryVectors.literal(r.text()) : null;
        BiFunction<Integer, Integer, Page> rank = (pageLimit, pageOffset) -> ranked(
                caller.tenant(),
                mode,
                alpha,
                recency,
                r.distanceThreshold(),
                where,
                r.text(),
                vector,
                pageLimit,
                pageOffset);
        Page page = hasText ? rank.apply(limit, offset) : listed(recency, where, limit, offset);
        List<MemoryRecordResult> hits = page.hits();
        long total = page.total();
        if (hits.isEmpty() && offset > 0) {
            // A page past the end has no rows to carry the count: the first page's row does.
            total = hasText ? rank.apply(1, 0).total() : count(where);
        }
        accessLog.record(
                caller.tenant(),
                hits.stream()
                        .map(MemoryRecordResult::memory)
                        .filter(m -> !"message".equals(m.memoryType()))
                        .toList(),
                clock.instant());
        Integer next = offset + hits.size() < total ? offset + hits.size() : null;
        List<MemoryRecordResult> shown = neighbours == 0 ? hits : withNeighbours(caller, hits, neighbours, limit);
        return new SearchResults(shown, total, next);
    }

    private record Page(List<MemoryRecordResult> hits, long total) {}

    /**
     * Search by text. Semantic ranks by cosine similarity; keyword by BM25 over the scope; hybrid takes
     * the best {@value #POOL} of each part (more when paging deeper), normalizes each part's score over
     * that candidate set (min-max) and weighs semantic by alpha. A raw cosine and a BM25 score live on
     * different scales (with e5 a sports question lies at cosine distance 0.17 from "plays tennis"
     * and 0.20-0.23 from unrelated memories; BM25 scores run to 10 and more): added unnormalized, one part
     * drowns the other and hybrid ranks worse than either. Reciprocal rank fusion lost to this on the
     * labelled set (README, "Search quality").
     *
     * <p>A learned fact ranks at least as high as the best hit among the turns it was extracted from,
     * and before them on a tie: the fact says in a sentence what the turn said in passing.
     */
    private Page ranked(
            String tenant,
            String mode,
            double alpha,
            Recency recency,
            Double threshold,
            SqlWhere where,
            String text,
            String vector,
            int limit,
            int offset) {
        boolean semantic = !mode.equals("keyword");
        boolean keyword = !mode.equals("semantic");
        List<Object> args = new ArrayList<>();
        args.add(vector);
        args.add(text);
        args.add(text);
        StringBuilder sql = new StringBuilder(QUERY);
        // Narrow: only what ranking reads. The rows' own columns are read for the page alone, at the end
        // (with 10,000 rows in scope, carrying every column spilled the scope to disk).
        sql.append(", scope AS MATERIALIZED (SELECT m.id, m.namespace, COALESCE(m.user_id, '') AS owner,"
                + " m.memory_type = 'message' AS is_turn, m.extracted_from, m.created_at, m.last_accessed, ");
        if (keyword) {
            // The words of the rows that have a query word, NULL for the rest: BM25 reads its postings
            // from these few, and the scope does not carry 10,000 rows' words it never looks at (it did:
            // 50 ms instead of 37 for a keyword search in the bench's 10k-row user).
            sql.append("m.search_length, CASE WHEN m.search_vector @@ q.tsq THEN m.search_vector END AS words, ");
        }
        if (semantic) {
            // Vectors of another model (before the backfill re-embeds them) are not comparable. A turn's
            // vector is the mean of two unit vectors (Embedder.turnVector): its inner product with the
            // unit query is the mean of their cosine similarities, and for a memory's unit vector the
            // inner product is the cosine. A turn embedded alone, before contextual vectors, still compares.
            sql.append("CASE WHEN m.embedding_model IN (?, ?) THEN 1 + (m.embedding <#> q.v) END AS distance");
            args.add(embedder.name());
            args.add(embedder.turnModelName());
        } else {
            sql.append("NULL::float8 AS distance");
        }
        sql.append(" FROM long_term_memories m, q WHERE ").append(where.sql()).append(")");
        args.addAll(where.args());
        if (keyword) {
            sql.append(", ").append(Bm25.sql());
        }
        if (mode.equals("semantic")) {
            // Every semantic match (within the threshold): what ranked takes its page from and total counts.
            sql.append(", every AS (SELECT id, owner, is_turn, GREATEST(0, 1 - distance) AS relevance FROM scope"
                    + " WHERE distance IS NOT NULL");
            if (threshold != null) {
                sql.append(" AND distance <= ?");
                args.add(threshold);
            }
            sql.append(")");
        }
        int pool = Math.max(POOL, offset + limit);
        sql.append(", ranked AS (");
        switch (mode) {
            case "semantic" -> {
                // Only rows that can still reach the page: at or above the relevance of the page's last
                // row among all of them, less the most the recency boost can add. The rest are counted
                // for the total (below), not ranked.
                sql.append(
                        "WITH cutoff AS MATERIALIZED (SELECT COALESCE((SELECT relevance FROM every"
                                + " ORDER BY relevance DESC LIMIT 1 OFFSET ?), -1) - ? AS r)"
                                + " SELECT e.id, e.owner, e.is_turn, e.relevance FROM every e, cutoff c WHERE e.relevance >= c.r");
                args.add(offset + limit - 1);
                args.add(boostMargin(recency));
            }
            case "keyword" ->
                sql.append("SELECT id, owner, is_turn, score / NULLIF(max(score) OVER (), 0) AS relevance FROM bm25");
            default ->
                sql.append("WITH pool AS ((SELECT id, owner, is_turn FROM scope WHERE distance IS NOT NULL"
                                + " ORDER BY distance, id LIMIT ")
                        .append(pool)
                        .append(") UNION (SELECT id, owner, is_turn FROM bm25 ORDER BY score DESC, id LIMIT ")
                        .append(pool)
                        .append(")), candidates AS (SELECT p.id, p.owner, p.is_turn, 1 - s.distance AS sim,"
                                + " COALESCE(b.score, 0) AS bm FROM pool p JOIN scope s USING (id, owner, is_turn)"
                                + " LEFT JOIN bm25 b USING (id, owner, is_turn))"
                                + " SELECT id, owner, is_turn, ")
                        .append(alpha)
                        .append(" * ")
                        .append(normalized("sim"))
                        .append(" + ")
                        .append(1 - alpha)
                        .append(" * ")
                        .append(normalized("bm"))
                        .append(" AS relevance FROM candidates");
        }
        sql.append(")");
        // A distance_threshold bounds what semantic search returns; a fact lifted past it would not be.
        String lifted = threshold != null
                ? "SELECT NULL::text AS id, NULL::text AS owner, NULL::boolean AS is_turn, NULL::float8 AS via WHERE false"
                : "SELECT f.id, f.owner, f.is_turn, max(t.relevance) AS via FROM scope f JOIN ranked t"
                        + " ON t.is_turn AND t.owner = f.owner AND t.id = ANY (f.extracted_from)"
                        + " WHERE NOT f.is_turn GROUP BY f.id, f.owner, f.is_turn";
        sql.append(", lifted AS (")
                .append(lifted)
                .append("), hits AS (SELECT s.id, s.namespace, s.owner, s.is_turn, s.created_at, s.last_accessed,"
                        + " s.distance, GREATEST(COALESCE(r.relevance, 0), COALESCE(l.via, 0)) AS relevance"
                        + " FROM scope s LEFT JOIN ranked r USING (id, owner, is_turn)"
                        + " LEFT JOIN lifted l USING (id, owner, is_turn)"
                        + " WHERE r.id IS NOT NULL OR l.id IS NOT NULL)");
        String total = "count(*) OVER ()";
        if (mode.equals("semantic")) {
            // Every match, as if all were ranked: the semantic matches, and (no threshold) the facts
            // without a vector that a turn with one lifts.
            sql.append(", counted AS MATERIALIZED (SELECT (SELECT count(*) FROM every)");
            if (threshold == null) {
                sql.append(" + (SELECT count(*) FROM scope f WHERE NOT f.is_turn AND f.distance IS NULL AND EXISTS"
                        + " (SELECT 1 FROM scope t WHERE t.is_turn AND t.owner = f.owner AND t.distance IS NOT NULL"
                        + " AND t.id = ANY (f.extracted_from)))");
            }
            sql.append(" AS n)");
            total = "(SELECT n FROM counted)";
        }
        String relevance = "COALESCE(m.relevance, 0)";
        String score = recency == null ? relevance : recency.sql(relevance);
        String dist = semantic ? "COALESCE(m.distance, 1)" : "1 - " + relevance;
        sql.append(", top AS (SELECT m.*, ")
                .append(dist)
                .append(" AS dist, ")
                .append(score)
                .append(" AS score, ")
                .append(total)
                .append(
                        " AS total FROM hits m ORDER BY score DESC, m.is_turn, m.created_at DESC, m.id LIMIT ? OFFSET ?)");
        args.add(limit);
        args.add(offset);
        // The page's rows, read whole; in the page's order.
        sql.append(" SELECT ")
                .append(MemoryStore.COLUMNS)
                // One index lookup per row of the page (OFFSET 0 keeps the planner from flattening it into a
                // hash join, which read every row of the tenant: 17 of a semantic search's 60 ms).
                .append(
                        ", top.dist, top.score, top.total FROM top CROSS JOIN LATERAL (SELECT * FROM long_term_memories m"
                                + " WHERE m.tenant_id = ? AND m.id = top.id AND COALESCE(m.user_id, '') = top.owner"
                                + " AND m.namespace = top.namespace AND (m.memory_type = 'message') = top.is_turn OFFSET 0) m")
                .append(" ORDER BY top.score DESC, top.is_turn, top.created_at DESC, top.id");
        args.add(tenant);
        return page(sql.toString(), args, mode);
    }

    /**
     * How much the recency boost can add to a score, in units of relevance: a row that much below the
     * page's last can never overtake it. With no boost, nothing; with no weight on relevance, every row.
     */
    private static double boostMargin(Recency recency) {
        if (recency == null) {
            return 0;
        }
        if (recency.semanticWeight() == 0) {
            return 2;
        }
        double most = recency.recencyWeight() * (recency.freshnessWeight() + recency.noveltyWeight());
        // A hair more, so that rounding in the comparison never cuts a row that ties.
        return Math.min(2, most / recency.semanticWeight()) + 1e-9;
    }

    /** A part's score over the candidates, 0 to 1; a candidate the part knows nothing of gets 0. */
    private static String normalized(String part) {
        String min = "min(" + part + ") OVER ()";
        String max = "max(" + part + ") OVER ()";
        return "COALESCE((" + part + " - " + min + ") / NULLIF(" + max + " - " + min + ", 0)," + " CASE WHEN " + part
                + " > 0 THEN 1 ELSE 0 END)";
    }

    /** No text: the filters' rows, newest first (or by the recency boost). */
    private Page listed(Recency recency, SqlWhere where, int limit, int offset) {
        String score = recency == null ? "1::double precision" : recency.sql("1::double precision");
        List<Object> args = new ArrayList<>();
        args.add(null);
        args.add("");
        args.add("");
        args.addAll(where.args());
        args.add(limit);
        args.add(offset);
        // The inner query is fenced (OFFSET 0) so that only its narrow rows reach the window count.
        String sql = QUERY + " SELECT m.*, 0::double precision AS dist, " + score + " AS score,"
                + " count(*) OVER () AS total FROM (SELECT " + MemoryStore.COLUMNS
                + " FROM long_term_memories m, q WHERE " + where.sql() + " OFFSET 0) m"
                + " ORDER BY score DESC, m.created_at DESC, m.id LIMIT ? OFFSET ?";
        return page(sql, args, "none");
    }

    private Page page(String sql, List<Object> args, String scoreType) {
        List<MemoryRecordResult> hits = new ArrayList<>();
        long[] total = {0};
        store.query(sql, args, rs -> {
            total[0] = rs.getLong("total");
            hits.add(new MemoryRecordResult(
                    store.record(rs), rs.getDouble("dist"), clamp(rs.getDouble("score")), scoreType));
        });
        return new Page(hits, total[0]);
    }

    /**
     * The hits, then the turns next to each conversation-turn hit in its session (up to {@code n}
     * before and after), best hits first, never more than {@code limit} in all: an answer said over
     * two turns comes back whole. A neighbour carries its hit's distance and score.
     */
    private List<MemoryRecordResult> withNeighbours(Caller caller, List<MemoryRecordResult> hits, int n, int limit) {
        List<MemoryRecordResult> chosen = new ArrayList<>();
        List<MemoryRecordResult> added = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        hits.forEach(h -> seen.add(identity(h.memory())));
        for (MemoryRecordResult hit : hits) {
            if (chosen.size() + added.size() >= limit) {
                break;
            }
            chosen.add(hit);
            MemoryRecord m = hit.memory();
            if (!"message".equals(m.memoryType()) || m.sessionId() == null) {
                continue;
            }
            for (MemoryRecord turn : store.adjacentTurns(caller.tenant(), m, n)) {
                if (chosen.size() + added.size() < limit && seen.add(identity(turn))) {
                    added.add(new MemoryRecordResult(turn, hit.dist(), hit.score(), hit.scoreType()));
                }
            }
        }
        chosen.addAll(added);
        return chosen;
    }

    private static String identity(MemoryRecord m) {
        return m.memoryType() + "/" + m.userId() + "/" + m.id();
    }

    /** A listing's page past the end has no rows to carry the window count; count the rows alone. */
    private long count(SqlWhere where) {
        long[] n = {0};
        List<Object> args = new ArrayList<>(java.util.Arrays.asList(null, "", ""));
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
