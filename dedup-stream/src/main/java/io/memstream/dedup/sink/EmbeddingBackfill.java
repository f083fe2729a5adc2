package io.memstream.dedup.sink;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.json.Json;
import io.memstream.common.topics.Topics;
import io.memstream.dedup.kafka.DeadLetterRecords;
import io.memstream.dedup.sink.BatchEmbeddings.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gives a vector of the configured model to every memory and turn without one: rows the sinks wrote
 * while the model failed, rows from before embeddings existed, and rows another model embedded (after
 * a change of model; vectors of two models are never compared, so search skips those rows until they
 * are done, and {@code GET /v1/search-index} shows how far it got). Each update checks that the text is still the one that
 * was embedded, so it never races a newer write; running it on several instances is harmless.
 *
 * <p>A text the model refuses while it embeds others is counted against its row, once per run; after
 * {@code memstream.embeddings.backfill-attempts} refusals the row is no longer asked for and a dead
 * letter says why. The row stays, and keyword search still finds it. A model that is down refuses
 * nothing in particular: it counts no attempt, and the next run asks again.
 */
@Component
class EmbeddingBackfill {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingBackfill.class);
    private static final int BATCH = 256;
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A table with rows to embed, and the topic its rows were written from; for conversation turns,
     * the expression of a turn read after its context (see {@code Embedder.turnVector}).
     */
    private record Table(String name, String id, String text, String origin, String inContext) {}

    private static final Table FACTS = new Table("facts", "id", "text", Topics.FACT_CHANGELOG.name(), null);
    private static final Table TURNS = new Table(
            "conversation_turns",
            "turn_id",
            "content",
            Topics.TURNS.name(),
            "memstream_turn_context(tenant_id, user_id, namespace, session_id, created_at) || ' ' || content");

    private record Missing(String tenant, String id, String text, String inContext, int attempts) {}

    private final JdbcTemplate jdbc;
    private final Embedder embedder;
    private final KafkaTemplate<byte[], byte[]> deadLetters;
    private final int maxAttempts;

    EmbeddingBackfill(
            JdbcTemplate jdbc,
            Embedder embedder,
            KafkaTemplate<byte[], byte[]> deadLetters,
            @Value("${memstream.embeddings.backfill-attempts:5}") int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("memstream.embeddings.backfill-attempts must be positive");
        }
        this.jdbc = jdbc;
        this.embedder = embedder;
        this.deadLetters = deadLetters;
        this.maxAttempts = maxAttempts;
    }

    @Scheduled(
            initialDelayString = "${memstream.embeddings.backfill-interval:30s}",
            fixedDelayString = "${memstream.embeddings.backfill-interval:30s}")
    void backfill() {
        try {
            int facts = fill(FACTS);
            int turns = fill(TURNS);
            if (facts + turns > 0) {
                log.info("embedding backfill: {} memories and {} turns got vectors", facts, turns);
            }
        } catch (RuntimeException e) {
            // Postgres or Kafka away: one line per run, not a stack trace every few seconds.
            log.warn("embedding backfill: this run stopped ({}); the next one carries on", e.toString());
        }
    }

    /**
     * Every row of the table still without a vector, each asked for once, in key order; stops early
     * if the model is not answering. Returns how many got a vector.
     */
    private int fill(Table table) {
        // Written as two ranges, "another model" is served by the index on embedding_model and costs
        // nothing once every row has the configured one.
        String stale = "(embedding IS NULL OR embedding_model < ? OR embedding_model > ?)";
        String model = table.inContext() == null ? embedder.name() : embedder.turnModelName();
        String select = "SELECT tenant_id, " + table.id() + " AS id, " + table.text() + " AS text, "
                + (table.inContext() == null ? "NULL::text" : table.inContext()) + " AS in_context, embedding_attempts"
                + " FROM " + table.name() + " WHERE " + stale + " AND embedding_attempts < ?"
                + " AND (tenant_id, " + table.id() + ") > (?, ?) ORDER BY tenant_id, " + table.id() + " LIMIT " + BATCH;
        String where = " WHERE tenant_id = ? AND " + table.id() + " = ? AND " + table.text() + " = ? AND " + stale;
        int filled = 0;
        String afterTenant = "";
        String afterId = "";
        while (true) {
            List<Missing> missing = jdbc.query(
                    select,
                    (rs, i) -> new Missing(
                            rs.getString("tenant_id"),
                            rs.getString("id"),
                            rs.getString("text"),
                            rs.getString("in_context"),
                            rs.getInt("embedding_attempts")),
                    model,
                    model,
                    maxAttempts,
                    afterTenant,
                    afterId);
            if (missing.isEmpty()) {
                return filled;
            }
            List<String> texts = missing.stream().map(Missing::text).toList();
            List<Result> results = table.inContext() == null
                    ? BatchEmbeddings.embed(embedder, texts)
                    : BatchEmbeddings.turns(
                            embedder,
                            texts,
                            missing.stream().map(Missing::inContext).toList());
            if (results.stream().allMatch(r -> r instanceof Result.Unavailable)) {
                return filled;
            }
            List<Object[]> vectors = new ArrayList<>();
            for (int i = 0; i < missing.size(); i++) {
                Missing m = missing.get(i);
                switch (results.get(i)) {
                    case Result.Vector v ->
                        vectors.add(new Object[] {v.literal(), model, m.tenant(), m.id(), m.text(), model, model});
                    case Result.Refused r -> refused(table, where, model, m, r.reason());
                    case Result.Unavailable u -> {
                        // Not the text's fault: nothing is counted.
                    }
                }
            }
            for (int count : jdbc.batchUpdate(
                    "UPDATE " + table.name() + " SET embedding = ?::vector, embedding_model = ?" + where, vectors)) {
                filled += Math.max(count, 0);
            }
            if (missing.size() < BATCH) {
                return filled;
            }
            afterTenant = missing.getLast().tenant();
            afterId = missing.getLast().id();
        }
    }

    /** Counts a refusal; the last one allowed is dead-lettered first, so a crash between repeats it. */
    private void refused(Table table, String where, String model, Missing row, String reason) {
        if (row.attempts() + 1 >= maxAttempts) {
            publish(table, row, reason);
        }
        jdbc.update(
                "UPDATE " + table.name() + " SET embedding_attempts = embedding_attempts + 1" + where,
                row.tenant(),
                row.id(),
                row.text(),
                model,
                model);
    }

    private void publish(Table table, Missing row, String reason) {
        var identity = Json.MAPPER
                .createObjectNode()
                .put("table", table.name())
                .put("tenant_id", row.tenant())
                .put("id", row.id())
                .put("text", row.text());
        var letter = DeadLetterRecords.of(
                table.origin(),
                null,
                null,
                (row.tenant() + "/" + row.id()).getBytes(StandardCharsets.UTF_8),
                Json.MAPPER.writeValueAsBytes(identity),
                null,
                "embedding model " + embedder.name() + " refused this " + table.name() + " row's text " + maxAttempts
                        + " times, so it keeps no vector (keyword search still finds it): " + reason);
        try {
            deadLetters.send(letter).get(PUBLISH_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + row.id(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not dead-letter " + table.name() + " row " + row.id(), e);
        }
        log.warn(
                "embedding backfill: the model refused the text of {} row {}/{} {} times ({}); dead-lettered",
                table.name(),
                row.tenant(),
                row.id(),
                maxAttempts,
                reason);
    }
}
