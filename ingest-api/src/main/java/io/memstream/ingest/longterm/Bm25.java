package io.memstream.ingest.longterm;

/**
 * Okapi BM25, the keyword score: each query word a document contains adds its inverse document
 * frequency times a term frequency that saturates (k1) and is normalized by the document's length
 * against the average (b). Counts come from the scope being searched (the memories and turns the
 * caller's filters leave), computed in the same statement as the ranking, so they are exact under
 * concurrent writes and never cross a tenant or a filter. Words are Postgres's English lexemes
 * (stemmed, stop words dropped), as the {@code tsvector} index holds them.
 */
final class Bm25 {

    /** The usual defaults (Lucene's, Elasticsearch's): on the labelled set others moved recall by < 0.01. */
    static final double K1 = 1.2;

    static final double B = 0.75;

    private Bm25() {}

    /** Lucene's form of IDF: never negative, even for a word in more than half the documents. */
    static double idf(long documents, long withTerm) {
        return Math.log(1 + (documents - withTerm + 0.5) / (withTerm + 0.5));
    }

    /** One query word's part of a document's score. */
    static double term(double idf, int frequency, int length, double averageLength) {
        double norm = K1 * (1 - B + B * length / Math.max(averageLength, 1));
        return idf * frequency * (K1 + 1) / (frequency + norm);
    }

    /**
     * The same formula over the {@code scope} relation (with {@code search_length}, and {@code words}: the
     * {@code tsvector} of a row that matches {@code q.tsq}, else NULL) and the query's lexemes {@code q.terms} and OR-query {@code q.tsq}: a relation
     * {@code bm25(id, owner, is_turn, score)} of the documents that contain at least one word.
     */
    static String sql() {
        // stats is MATERIALIZED: inlined, the planner re-ran its aggregate over the whole scope for every
        // posting (335 postings x 10,000 rows: 573 ms instead of 74 for one keyword search in the bench).
        return """
                stats AS MATERIALIZED (SELECT count(*)::float8 AS n, COALESCE(avg(search_length), 0)::float8 AS avgdl
                                       FROM scope),
                postings AS (
                    SELECT s.id, s.owner, s.is_turn, t.lexeme, COALESCE(array_length(t.positions, 1), 1) AS tf,
                           s.search_length AS dl
                    FROM (SELECT s.* FROM scope s WHERE s.words IS NOT NULL) s
                    CROSS JOIN LATERAL unnest(s.words) t, q
                    WHERE t.lexeme = ANY (q.terms)),
                df AS (SELECT lexeme, count(*)::float8 AS df FROM postings GROUP BY lexeme),
                bm25 AS (
                    SELECT p.id, p.owner, p.is_turn,
                           sum(ln(1 + (st.n - df.df + 0.5) / (df.df + 0.5)) * p.tf * (%1$s + 1)
                               / (p.tf + %1$s * (1 - %2$s + %2$s * p.dl / GREATEST(st.avgdl, 1)))) AS score
                    FROM postings p JOIN df USING (lexeme) CROSS JOIN stats st
                    GROUP BY p.id, p.owner, p.is_turn)""".formatted(K1, B);
    }
}
