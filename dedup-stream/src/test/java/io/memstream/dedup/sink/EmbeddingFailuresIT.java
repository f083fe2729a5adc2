package io.memstream.dedup.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.memstream.common.embeddings.Embedder;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.DeadLetters;
import io.memstream.testkit.SharedKafka;
import io.memstream.testkit.TestDatabase;
import io.memstream.testkit.TestInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The embedding model failing, on the real Postgres and broker: a text it refuses costs only its own
 * row's vector, the backfill gives that row up after a bounded number of refusals with a dead letter
 * (the row stays, keyword-searchable), and a model that is down costs no row an attempt. The model
 * is the real local one behind a switch that can refuse one text or stop answering altogether.
 */
class EmbeddingFailuresIT {

    private static final int ATTEMPTS = 3;
    private static final String REFUSED = "marmalade";
    private static final EmbeddingModel REAL = new AllMiniLmL6V2EmbeddingModel();
    private static DefaultKafkaProducerFactory<byte[], byte[]> producers;

    private final JdbcTemplate jdbc =
            new JdbcTemplate(new DriverManagerDataSource(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD));
    private final String tenant = TestInfra.uniqueId("t");
    private volatile boolean down;

    private final Embedder embedder = new Embedder(
            new EmbeddingModel() {
                @Override
                public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                    if (down) {
                        throw new IllegalStateException("connection refused");
                    }
                    if (segments.stream().anyMatch(s -> s.text().contains(REFUSED))) {
                        throw new IllegalArgumentException("this model does not embed " + REFUSED);
                    }
                    return REAL.embedAll(segments);
                }
            },
            64,
            "switchable");

    @BeforeAll
    static void infrastructure() {
        TestSchema.migrate();
        producers = new DefaultKafkaProducerFactory<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    @AfterAll
    static void closeProducers() {
        producers.destroy();
    }

    private EmbeddingBackfill backfill() {
        return new EmbeddingBackfill(jdbc, embedder, new KafkaTemplate<>(producers), ATTEMPTS);
    }

    private void factWithoutVector(String id, String text) {
        jdbc.update(
                "INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence, valid_from,"
                        + " last_seen_at) VALUES (?, ?, 'u', 'default', ?, '\"x\"', ?, 0.8, now(), now())",
                id,
                tenant,
                "key-" + id,
                text);
    }

    private Map<String, Object> fact(String id) {
        return jdbc.queryForMap(
                "SELECT embedding IS NOT NULL AS embedded, embedding_attempts AS attempts FROM facts"
                        + " WHERE tenant_id = ? AND id = ?",
                tenant,
                id);
    }

    @Test
    void aTurnWhoseTextTheModelRefusesIsArchivedWithoutAVectorAndTheRestOfItsBatchWithOne() {
        var support = new SinkSupport(
                new SinkOffsets(jdbc, TestInfra.uniqueId("scope")),
                new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource())),
                new DeadLetterPublishingRecoverer(new KafkaTemplate<>(producers)),
                new DatabaseProbe(jdbc));
        var sink = new TurnArchiveSink(jdbc, embedder, new ErasedUsers(jdbc), support);
        String topic = "refused-" + TestInfra.uniqueId("topic");
        List<String> contents = List.of("I like tea.", "I like " + REFUSED + ".", "I like coffee.");
        List<ConsumerRecord<byte[], byte[]>> batch = new java.util.ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            Turn turn = new Turn(
                    "turn-" + i, tenant, "default", "u", "s", "user", contents.get(i), Instant.now(), Instant.now());
            batch.add(new ConsumerRecord<>(
                    topic,
                    0,
                    i,
                    Topics.TURNS.keySerde().serialize(topic, turn.sessionKey()),
                    Topics.TURNS.valueSerde().serialize(topic, turn)));
        }

        sink.consume(batch);

        assertThat(jdbc.queryForList(
                        "SELECT turn_id FROM conversation_turns WHERE tenant_id = ? AND embedding IS NOT NULL"
                                + " ORDER BY turn_id",
                        String.class,
                        tenant))
                // turn-2's context holds turn-1's refused text: it keeps the vector of its own text,
                // under the turn name, so the backfill does not ask for it again.
                .containsExactly("turn-0", "turn-2");
        assertThat(jdbc.queryForObject(
                        "SELECT embedding_model FROM conversation_turns WHERE tenant_id = ? AND turn_id = 'turn-2'",
                        String.class,
                        tenant))
                .isEqualTo(embedder.turnModelName());
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM conversation_turns WHERE tenant_id = ? AND embedding IS NULL",
                        Integer.class,
                        tenant))
                .isEqualTo(1);
    }

    @Test
    void theBackfillCountsRefusalsOncePerRunThenDeadLettersTheRowWhichStaysSearchable() {
        String refused = TestInfra.uniqueId("f");
        String fine = TestInfra.uniqueId("f");
        factWithoutVector(refused, "User spreads " + REFUSED + " on toast.");
        factWithoutVector(fine, "User drinks tea.");
        EmbeddingBackfill backfill = backfill();

        backfill.backfill();
        assertThat(fact(fine)).containsEntry("embedded", true);
        assertThat(fact(refused)).containsEntry("embedded", false).containsEntry("attempts", 1);
        for (int run = 2; run <= ATTEMPTS + 2; run++) {
            backfill.backfill();
        }

        assertThat(fact(refused)).containsEntry("embedded", false).containsEntry("attempts", ATTEMPTS);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(DeadLetters.all())
                        .filteredOn(l -> l.value().contains(refused))
                        .singleElement()
                        .satisfies(l -> {
                            assertThat(l.originalTopic()).isEqualTo(Topics.FACT_CHANGELOG.name());
                            assertThat(l.reason())
                                    .contains("refused")
                                    .contains(ATTEMPTS + " times")
                                    .contains("this model does not embed " + REFUSED);
                        }));
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM facts WHERE tenant_id = ? AND search_text @@ plainto_tsquery('english', ?)",
                        Integer.class,
                        tenant,
                        REFUSED))
                .isEqualTo(1);
    }

    @Test
    void aModelThatIsDownCostsNoRowAnAttemptAndTheRowIsFilledOnceItIsBack() {
        String id = TestInfra.uniqueId("f");
        factWithoutVector(id, "User likes long walks.");
        EmbeddingBackfill backfill = backfill();

        down = true;
        for (int run = 0; run < ATTEMPTS + 1; run++) {
            backfill.backfill();
        }
        assertThat(fact(id)).containsEntry("embedded", false).containsEntry("attempts", 0);

        down = false;
        backfill.backfill();
        assertThat(fact(id)).containsEntry("embedded", true).containsEntry("attempts", 0);
    }
}
