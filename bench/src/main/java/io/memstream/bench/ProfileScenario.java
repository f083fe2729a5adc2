package io.memstream.bench;

import io.memstream.common.embeddings.EmbeddingSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

/**
 * Profile reads: {@code GET /v1/users/{id}/facts} of users with 20 facts each, served from the Redis
 * cache once read, next to the query that answers it from Postgres alone (the API's statement, on
 * one connection per client).
 */
final class ProfileScenario {

    private static final int FACTS = 20;
    private static final String PROFILE = """
            SELECT id, namespace, fact_key, value::text, text, memory_type, topics, entities, confidence,
                   source_turn_ids, valid_from, valid_to, last_seen_at, updated_at
            FROM visible_facts
            WHERE tenant_id = ? AND user_id = ? AND (?::text IS NULL OR namespace = ?) AND fact_key NOT LIKE 'memory:%'
            ORDER BY namespace, fact_key""";

    private final BenchConfig config;
    private final ApiClient api;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    ProfileScenario(BenchConfig config) {
        this.config = config;
        this.api = new ApiClient(config);
    }

    List<Result> run() throws Exception {
        String tenant = api.tenant();
        try (Connection db = config.database();
                PreparedStatement insert = db.prepareStatement("""
                        INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence,
                                           valid_from, last_seen_at, embedding, embedding_model)
                        SELECT ? || '-' || g, ?, ?, 'default', 'bench.profile.' || g, to_jsonb(g), 'Fact ' || g, 0.8,
                               now(), now(), array_fill(0.05::real, ARRAY[384])::vector(384), ?
                        FROM generate_series(1, ?) g""")) {
            for (int t = 0; t < config.threads(); t++) {
                insert.setString(1, "bp-" + run + "-" + t);
                insert.setString(2, tenant);
                insert.setString(3, user(t));
                // With a vector of the configured model: dedup-stream's backfill would otherwise embed
                // these rows while the reads are measured.
                insert.setString(4, EmbeddingSettings.LOCAL.localModel());
                insert.setInt(5, FACTS);
                insert.executeUpdate();
            }
        }
        Result cached;
        Result bare;
        try {
            cached = Load.measure(config, "profile", "API GET /v1/users/{id}/facts (20 facts)", "ops/s", (t, i) -> {
                api.expect(200, "GET", "/v1/users/" + user(t) + "/facts", null);
                return 1;
            });
            try (ClientConnections connections = new ClientConnections(config, config.threads())) {
                bare = Load.measure(config, "profile", "bare Postgres profile query", "ops/s", (t, i) -> {
                    PreparedStatement query = connections.statement(t, PROFILE);
                    query.setString(1, tenant);
                    query.setString(2, user(t));
                    query.setString(3, null);
                    query.setString(4, null);
                    try (ResultSet rs = query.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(4);
                        }
                    }
                    return 1;
                });
            }
        } finally {
            api.erase(java.util.stream.IntStream.range(0, config.threads())
                    .mapToObj(this::user)
                    .toList());
        }
        return List.of(cached.comparedWith(bare), bare);
    }

    private String user(int thread) {
        return "bench-profile-" + run + "-" + thread;
    }
}
