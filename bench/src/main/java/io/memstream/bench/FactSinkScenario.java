package io.memstream.bench;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.embeddings.EmbeddingSettings;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.topics.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.node.StringNode;

/**
 * The fact sink: new facts per second from the candidates topic into Postgres with their embeddings
 * (through dedup-stream), next to its two raw limits measured here in the same run: batched upserts
 * of the same rows into a table shaped like {@code facts}, and the embedding model on the same texts.
 */
final class FactSinkScenario {

    private static final Duration GIVE_UP = Duration.ofMinutes(5);
    private static final int UPSERT_BATCH = 500;

    private final BenchConfig config;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    FactSinkScenario(BenchConfig config) {
        this.config = config;
    }

    List<Result> run() throws Exception {
        int n = config.sinkFacts();
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add("User's bench attribute " + i + " is value " + run + " number " + i + ".");
        }
        Result pipeline = throughPipeline(texts);

        Embedder embedder = Embedder.create(EmbeddingSettings.LOCAL);
        long before = System.nanoTime();
        List<float[]> vectors = embedder.embedAll(texts);
        Result embedding =
                rate("raw embedding, " + embedder.name() + " in batches of 64", n, System.nanoTime() - before);
        Result upsert = rawUpserts(texts, vectors);
        Result slower = embedding.perSecond() < upsert.perSecond() ? embedding : upsert;
        return List.of(pipeline.comparedWith(slower), embedding, upsert);
    }

    private Result throughPipeline(List<String> texts) throws Exception {
        String tenant = "bench-sink-" + run;
        long start = System.nanoTime();
        try (KafkaProducer<FactKey, FactCandidate> producer = config.producer(Topics.FACT_CANDIDATES)) {
            for (int i = 0; i < texts.size(); i++) {
                FactKey key = new FactKey(tenant, "u" + (i % 100), "default", "bench.k" + i);
                producer.send(new ProducerRecord<>(
                        Topics.FACT_CANDIDATES.name(),
                        key,
                        new FactCandidate(
                                "bench-" + run + "-" + i,
                                key,
                                StringNode.valueOf("value " + i),
                                texts.get(i),
                                null,
                                List.of(),
                                List.of(),
                                0.8,
                                List.of("bench-turn-" + run + "-" + i),
                                null,
                                "bench",
                                Instant.now(),
                                null)));
            }
        }
        try (Connection db = config.database();
                PreparedStatement count = db.prepareStatement("SELECT count(*) FROM facts WHERE tenant_id = ?")) {
            count.setString(1, tenant);
            long deadline = start + GIVE_UP.toNanos();
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= texts.size()) {
                        return rate(
                                "facts into Postgres with embeddings (dedup + sink)",
                                texts.size(),
                                System.nanoTime() - start);
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the pipeline did not store " + texts.size() + " facts within " + GIVE_UP);
    }

    /** The sink's upsert statement, on a table shaped like facts, in the sink's batch size. */
    private Result rawUpserts(List<String> texts, List<float[]> vectors) throws Exception {
        try (Connection db = config.database();
                Statement ddl = db.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS bench_facts");
            ddl.execute("CREATE TABLE bench_facts (LIKE facts INCLUDING DEFAULTS INCLUDING GENERATED"
                    + " INCLUDING CONSTRAINTS INCLUDING INDEXES)");
            db.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement upsert = db.prepareStatement("""
                    INSERT INTO bench_facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence,
                                             valid_from, last_seen_at, embedding)
                    VALUES (?, ?, ?, 'default', ?, ?::jsonb, ?, 0.8, ?, ?, ?::vector)
                    ON CONFLICT (tenant_id, user_id, namespace, fact_key) DO UPDATE SET
                        value = excluded.value, text = excluded.text, embedding = excluded.embedding
                    """)) {
                Timestamp now = Timestamp.from(Instant.now());
                for (int i = 0; i < texts.size(); i++) {
                    upsert.setString(1, run + "-" + i);
                    upsert.setString(2, "bench-raw-" + run);
                    upsert.setString(3, "u" + (i % 100));
                    upsert.setString(4, "bench.k" + i);
                    upsert.setString(5, "\"value " + i + "\"");
                    upsert.setString(6, texts.get(i));
                    upsert.setTimestamp(7, now);
                    upsert.setTimestamp(8, now);
                    upsert.setString(9, Embedder.literal(vectors.get(i)));
                    upsert.addBatch();
                    if ((i + 1) % UPSERT_BATCH == 0 || i == texts.size() - 1) {
                        upsert.executeBatch();
                        db.commit();
                    }
                }
            }
            Result result = rate(
                    "raw batched upserts, " + UPSERT_BATCH + " per transaction",
                    texts.size(),
                    System.nanoTime() - start);
            db.setAutoCommit(true);
            ddl.execute("DROP TABLE bench_facts");
            return result;
        }
    }

    private static Result rate(String what, int count, long nanos) {
        return new Result("sink", what, count / (nanos / 1e9), "facts/s", Double.NaN, Double.NaN, 0, null, null);
    }
}
