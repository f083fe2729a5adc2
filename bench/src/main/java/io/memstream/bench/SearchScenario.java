package io.memstream.bench;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.embeddings.EmbeddingSettings;
import io.memstream.common.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Search: one user's 10k memories in a facts table of 1M rows, searched through the API in each
 * mode, next to the bare queries underneath (pgvector's exact distance order and Postgres
 * full-text), sent straight to Postgres over the same rows with the same query vectors.
 *
 * <p>The rows are written once, by SQL, and kept for later runs: 1M embeddings would take hours at
 * the model's rate on this machine, so their vectors are random. Exact distance ordering (there is no
 * approximate index) costs the same whatever the vectors hold.
 */
final class SearchScenario {

    static final String USER = "bench-search-user";

    /** A user with far more memories, searched alone: how latency grows with a user's memories. */
    static final String BIG_USER = "bench-search-big-user";

    /**
     * The model the API embeds queries with, stamped on the random vectors: search compares only
     * vectors of its own model, and rows of another would be re-embedded by a dedup-stream nearby.
     */
    private static final String MODEL = EmbeddingSettings.LOCAL.localModel();

    private static final String QPS = "queries/s";
    private static final String SEARCH = """
            {"text": "%s", "search_mode": "%s", "user_id": {"eq": "%s"}, "limit": 10}""";
    private static final String PROMPT = """
            {"query": "%s", "long_term_search": {"search_mode": "hybrid", "user_id": {"eq": "%s"}, "limit": 10}}""";
    // Both bare queries compute their parameter once (MATERIALIZED): a server-prepared statement's
    // generic plan would otherwise parse the vector, or build the tsquery, for every row.
    private static final String BARE_PGVECTOR = """
            WITH q AS MATERIALIZED (SELECT CAST(? AS vector) AS v)
            SELECT id FROM facts, q WHERE tenant_id = ? AND user_id = ? AND embedding IS NOT NULL
            ORDER BY embedding <=> q.v LIMIT 10""";
    // The API's keyword query, as ingest-api's MemorySearch words it: any of the words, ranked.
    private static final String BARE_FULL_TEXT = """
            WITH q AS MATERIALIZED (SELECT replace(plainto_tsquery('english', ?)::text, ' & ', ' | ')::tsquery AS tsq)
            SELECT id FROM facts, q WHERE tenant_id = ? AND user_id = ? AND search_text @@ q.tsq
            ORDER BY ts_rank_cd(search_text, q.tsq, 32) DESC LIMIT 10""";
    private static final String FILLER_TENANT = "bench-search-filler";
    private static final int FILLER_USERS = 1000;
    private static final int CHUNK = 50_000;
    private static final String[] VERBS = {"Likes", "Dislikes", "Owns", "Visited", "Studies", "Plans"};
    private static final String[] THINGS = {
        "coffee",
        "green tea",
        "sailing",
        "mountain hiking",
        "jazz records",
        "Rust programming",
        "Python scripts",
        "Italian cooking",
        "vegetarian recipes",
        "chess openings",
        "marathon running",
        "Tokyo",
        "Lisbon",
        "vintage cameras",
        "board games",
        "yoga classes",
        "electric cars",
        "science fiction novels",
        "oil painting",
        "gardening",
        "birdwatching",
        "rock climbing",
        "espresso machines",
        "French wine",
        "the violin",
        "cycling",
        "swimming",
        "photography",
        "astronomy",
        "pottery"
    };
    private static final List<String> QUERIES = List.of(
            "what coffee does the user drink",
            "which instruments do they play",
            "favourite travel destinations in Asia",
            "does the user like outdoor sports",
            "programming languages they know",
            "what kind of music do they collect",
            "cooking and food preferences",
            "hobbies involving art",
            "what car would they buy",
            "books they enjoy reading",
            "games they play with friends",
            "exercise routine and fitness",
            "places they visited in Europe",
            "interest in the night sky",
            "what do they grow in the garden",
            "cameras and photography gear");

    private final BenchConfig config;
    private final ApiClient api;

    SearchScenario(BenchConfig config) {
        this.config = config;
        this.api = new ApiClient(config);
    }

    List<Result> run() throws Exception {
        String tenant = api.tenant();
        String user = USER;
        long tableRows;
        long userRows;
        try (Connection db = config.database()) {
            fillUser(db, tenant);
            fillTable(db);
            try (Statement s = db.createStatement()) {
                s.execute("ANALYZE facts");
            }
            tableRows = count(db, "SELECT count(*) FROM facts", List.of());
            userRows = count(
                    db,
                    "SELECT count(*) FROM facts WHERE tenant_id = ? AND user_id = ? AND embedding IS NOT NULL",
                    List.of(tenant, USER));
        }
        Embedder embedder = Embedder.create(EmbeddingSettings.LOCAL);
        List<String> vectors = new ArrayList<>();
        for (float[] v : embedder.embedAll(QUERIES)) {
            vectors.add(Embedder.literal(v));
        }
        // A search that finds nothing is fast and proves nothing: each mode must see the user's rows.
        checkSearchSees(userRows);
        String scope = String.format(Locale.ROOT, "%,d of %,d facts, top 10", userRows, tableRows);

        Result semantic =
                Load.measure(config, "search", "API search, semantic (" + scope + ")", QPS, api("semantic", user));
        Result keyword = Load.measure(config, "search", "API search, keyword", QPS, api("keyword", user));
        Result hybrid = Load.measure(config, "search", "API search, hybrid", QPS, api("hybrid", user));
        Result barePgvector;
        Result bareFullText;
        try (ClientConnections connections = new ClientConnections(config, config.threads())) {
            String perClient = " (" + config.threads() + " connections)";
            barePgvector = Load.measure(
                    config,
                    "search",
                    "bare pgvector query, exact, user's rows" + perClient,
                    QPS,
                    bare(connections, tenant, user, vectors, BARE_PGVECTOR));
            bareFullText = Load.measure(
                    config,
                    "search",
                    "bare full-text query, any word, ranked" + perClient,
                    QPS,
                    bare(connections, tenant, user, QUERIES, BARE_FULL_TEXT));
        }
        // Part of every semantic and hybrid search's cost, measured here with the API's model.
        Result queryEmbedding = Load.measure(
                config, "search", "raw query embedding, " + MODEL + ", bench JVM", QPS, (thread, sequence) -> {
                    embedder.embedQuery(QUERIES.get((int) ((thread + sequence) % QUERIES.size())));
                    return 1;
                });
        List<Result> results = new ArrayList<>(List.of(
                semantic.comparedWith(barePgvector),
                keyword.comparedWith(bareFullText),
                hybrid.comparedWith(barePgvector),
                barePgvector,
                bareFullText,
                queryEmbedding));
        results.addAll(alone(tenant, USER, "10k memories", vectors));
        // How the cost grows with one user's memories: the same alone, for a user with ten times more.
        try (Connection db = config.database()) {
            long have = count(
                    db, "SELECT count(*) FROM facts WHERE tenant_id = ? AND user_id = ?", List.of(tenant, BIG_USER));
            insert(db, tenant, "'" + BIG_USER + "'", "bsb-", have + 1, config.searchBigUserFacts(), "the big user's");
            try (Statement s = db.createStatement()) {
                s.execute("ANALYZE facts");
            }
        }
        results.addAll(alone(
                tenant,
                BIG_USER,
                String.format(Locale.ROOT, "%,dk memories", config.searchBigUserFacts() / 1000),
                vectors));
        return results;
    }

    /**
     * Latency with nothing queued in front of a request: one client, each mode and memory/prompt
     * (the agent's call on every turn), next to the bare queries on one connection.
     */
    private List<Result> alone(String tenant, String user, String label, List<String> vectors) throws Exception {
        BenchConfig one = config.withThreads(1);
        List<Result> rows = new ArrayList<>();
        Result barePgvector;
        Result bareFullText;
        try (ClientConnections connection = new ClientConnections(config, 1)) {
            barePgvector = Load.measure(
                    one,
                    "search",
                    "bare pgvector query, " + label + ", 1 connection",
                    QPS,
                    bare(connection, tenant, user, vectors, BARE_PGVECTOR));
            bareFullText = Load.measure(
                    one,
                    "search",
                    "bare full-text query, " + label + ", 1 connection",
                    QPS,
                    bare(connection, tenant, user, QUERIES, BARE_FULL_TEXT));
        }
        rows.add(
                Load.measure(one, "search", "API search, semantic, " + label + ", 1 client", QPS, api("semantic", user))
                        .comparedWith(barePgvector));
        rows.add(Load.measure(one, "search", "API search, keyword, " + label + ", 1 client", QPS, api("keyword", user))
                .comparedWith(bareFullText));
        rows.add(Load.measure(one, "search", "API search, hybrid, " + label + ", 1 client", QPS, api("hybrid", user))
                .comparedWith(barePgvector));
        rows.add(Load.measure(
                one,
                "search",
                "API memory/prompt, hybrid long-term search, " + label + ", 1 client",
                QPS,
                prompt(user)));
        rows.add(barePgvector);
        rows.add(bareFullText);
        return rows;
    }

    /** The memory prompt an agent asks for before answering: its query searched in the user's memories. */
    private Load.Operation prompt(String user) {
        return (thread, sequence) -> {
            String query = QUERIES.get((int) ((thread + sequence) % QUERIES.size()));
            api.expect(200, "POST", "/v1/memory/prompt", PROMPT.formatted(query, user));
            return 1;
        };
    }

    private void checkSearchSees(long userRows) throws Exception {
        for (String mode : List.of("semantic", "keyword", "hybrid")) {
            String body = SEARCH.formatted(QUERIES.getFirst(), mode, USER);
            long total = Json.MAPPER
                    .readTree(api.expect(200, "POST", "/v1/long-term-memory/search", body)
                            .body())
                    .path("total")
                    .asLong();
            // Semantic counts every row with a vector; keyword the rows with a word of the query; hybrid
            // its candidates, the best of each part (README, search route), so a few hundred at most.
            boolean sees = mode.equals("semantic") ? total == userRows : total > 0;
            if (!sees) {
                throw new IllegalStateException("a " + mode + " search for " + USER + " counts " + total
                        + " memories, not the " + userRows + " the bench wrote: is the API's tenant the bench's?");
            }
        }
    }

    private Load.Operation api(String mode, String user) {
        return (thread, sequence) -> {
            String query = QUERIES.get((int) ((thread + sequence) % QUERIES.size()));
            api.expect(200, "POST", "/v1/long-term-memory/search", SEARCH.formatted(query, mode, user));
            return 1;
        };
    }

    /** The query with its first parameter taken in turn from {@code firsts}; one connection per client. */
    private Load.Operation bare(
            ClientConnections connections, String tenant, String user, List<String> firsts, String sql) {
        return (thread, sequence) -> {
            PreparedStatement query = connections.statement(thread, sql);
            query.setString(1, firsts.get((int) ((thread + sequence) % firsts.size())));
            query.setString(2, tenant);
            query.setString(3, user);
            // Read every row, as the API does; a query none of whose words occur finds none, and that is an answer too.
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rs.getString(1);
                }
            }
            return 1;
        };
    }

    /** The searched user's memories, in the tenant of the bench's API key. */
    private void fillUser(Connection db, String tenant) throws SQLException {
        // Rows written by an earlier version of the bench carry the model of their day.
        try (PreparedStatement restamp = db.prepareStatement(
                "UPDATE facts SET embedding_model = ? WHERE id LIKE 'bs_-%' AND embedding_model IS DISTINCT FROM ?")) {
            restamp.setString(1, MODEL);
            restamp.setString(2, MODEL);
            restamp.executeUpdate();
        }
        long have = count(db, "SELECT count(*) FROM facts WHERE tenant_id = ? AND user_id = ?", List.of(tenant, USER));
        insert(db, tenant, "'" + USER + "'", "bsu-", have + 1, config.searchUserFacts(), "the searched user's");
    }

    /** Other users' memories in a tenant of their own, until the table holds the configured rows. */
    private void fillTable(Connection db) throws SQLException {
        long others = count(db, "SELECT count(*) FROM facts WHERE tenant_id <> ?", List.of(FILLER_TENANT));
        long target = Math.max(0, config.searchTableFacts() - others);
        long have = count(db, "SELECT count(*) FROM facts WHERE tenant_id = ?", List.of(FILLER_TENANT));
        insert(db, FILLER_TENANT, "'filler-' || (g % " + FILLER_USERS + ")", "bsf-", have + 1, target, "filler");
    }

    /**
     * Rows {@code from..to}, in chunks of their own transaction, so an interrupted fill resumes where it
     * stopped. A correlated subquery draws a fresh random vector per row.
     */
    private static void insert(
            Connection db, String tenant, String userSql, String idPrefix, long from, long to, String what)
            throws SQLException {
        if (from > to) {
            return;
        }
        String sql = """
                INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence,
                                   valid_from, last_seen_at, embedding, embedding_model)
                SELECT '%s' || g, ?, %s, 'default', 'bench.search.' || g, to_jsonb(g), text, 0.8, now(), now(),
                       (SELECT array_agg(random() - 0.5)::real[] FROM generate_series(1, 384) WHERE g > 0)::vector(384),
                       '%s'
                FROM generate_series(?::bigint, ?::bigint) g,
                     LATERAL (SELECT (?::text[])[1 + g %% %d] || ' ' || (?::text[])[1 + (g / %d) %% %d]
                                     || ' since ' || (1990 + g %% 35) AS text) t
                ON CONFLICT (tenant_id, user_id, namespace, fact_key) DO NOTHING
                """.formatted(idPrefix, userSql, MODEL, VERBS.length, VERBS.length, THINGS.length);
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(true);
        try (PreparedStatement insert = db.prepareStatement(sql)) {
            for (long start = from; start <= to; start += CHUNK) {
                long end = Math.min(to, start + CHUNK - 1);
                System.out.printf(
                        Locale.ROOT, "search: writing %s rows %,d-%,d of %,d (random vectors)%n", what, start, end, to);
                insert.setString(1, tenant);
                insert.setLong(2, start);
                insert.setLong(3, end);
                insert.setArray(4, db.createArrayOf("text", VERBS));
                insert.setArray(5, db.createArrayOf("text", THINGS));
                insert.executeUpdate();
            }
        } finally {
            db.setAutoCommit(autoCommit);
        }
    }

    private static long count(Connection db, String sql, List<String> args) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                query.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
