package io.memstream.ingest.longterm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.memstream.testkit.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The SQL that ranks keyword search computes BM25 as {@link Bm25Test} works it out by hand, with
 * Postgres's English lexemes (plurals stemmed, stop words dropped) and over the scope it is given
 * only: the statistics of rows outside the scope never count.
 */
class Bm25IT {

    private static final String CORPUS = "VALUES ('d1', 'cat cat dog'), ('d2', 'dog bird'), ('d3', 'fish')";

    private final JdbcTemplate jdbc =
            new JdbcTemplate(new DriverManagerDataSource(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD));

    @BeforeAll
    static void schema() {
        TestDatabase.requireReachable();
        Flyway.configure()
                .dataSource(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD)
                .load()
                .migrate();
    }

    private Map<String, Double> scores(String query, String scopeFilter) {
        String sql = "WITH q AS (SELECT NULLIF(replace(plainto_tsquery('english', ?)::text, ' & ', ' | '), '')::tsquery"
                + " AS tsq, tsvector_to_array(to_tsvector('english', ?)) AS terms),"
                + " scope AS (SELECT id, ''::text AS owner, false AS is_turn,"
                + " CASE WHEN to_tsvector('english', t) @@ q.tsq THEN to_tsvector('english', t) END AS words,"
                + " memstream_term_count(to_tsvector('english', t)) AS search_length FROM (" + CORPUS + ") c (id, t), q"
                + " WHERE " + scopeFilter + "), "
                + Bm25.sql()
                + " SELECT id, score FROM bm25";
        Map<String, Double> out = new HashMap<>();
        jdbc.query(
                sql,
                rs -> {
                    out.put(rs.getString("id"), rs.getDouble("score"));
                },
                query,
                query);
        return out;
    }

    @Test
    void scoresEqualTheHandComputedOnes() {
        Map<String, Double> scores = scores("cats and dogs", "true");
        assertThat(scores).containsOnlyKeys("d1", "d2");
        assertThat(scores.get("d1")).isCloseTo(1.182370 + 0.390192, within(1e-5));
        assertThat(scores.get("d2")).isCloseTo(0.470004, within(1e-5));
    }

    @Test
    void documentLengthCountsRepeatedWords() {
        Integer length = jdbc.queryForObject(
                "SELECT memstream_term_count(to_tsvector('english', 'the cat saw the other cat'))", Integer.class);
        // "the" and "other" are stop words: cat, saw, cat.
        assertThat(length).isEqualTo(3);
    }

    @Test
    void statisticsComeFromTheScopeAlone() {
        // Without d3: 2 documents of average length 2.5, and "dog" is in both.
        Map<String, Double> scores = scores("dog", "id <> 'd3'");
        double idf = Bm25.idf(2, 2);
        assertThat(scores.get("d1")).isCloseTo(Bm25.term(idf, 1, 3, 2.5), within(1e-9));
        assertThat(scores.get("d2")).isCloseTo(Bm25.term(idf, 1, 2, 2.5), within(1e-9));
        assertThat(List.copyOf(scores.keySet())).containsExactlyInAnyOrder("d1", "d2");
    }
}
