package io.memstream.dedup.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.memstream.common.embeddings.Embedder;
import io.memstream.common.embeddings.EmbeddingSettings;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.TcpProxy;
import io.memstream.testkit.TestDatabase;
import io.memstream.testkit.TestInfra;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
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
 * Postgres going away, shown on a real Postgres reached through a relay the test cuts: no record is
 * dead-lettered for an outage (the batch is thrown back to the container, which retries it), and
 * once the database is back the batch lands, with only the record that truly cannot be written
 * parked. No accepted turn is lost to an outage.
 */
class PostgresOutageIT {

    /** Outside what Postgres stores: the one record of the batch that can never be written. */
    private static final Instant YEAR_300000 = Instant.parse("+300000-01-01T00:00:00Z");

    private final TcpProxy proxy = TcpProxy.toTestDatabase();
    private final JdbcTemplate viaProxy =
            new JdbcTemplate(new DriverManagerDataSource(proxy.jdbcUrl(), TestDatabase.USER, TestDatabase.PASSWORD));
    private final JdbcTemplate direct =
            new JdbcTemplate(new DriverManagerDataSource(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD));
    private final List<ConsumerRecord<?, ?>> deadLettered = new CopyOnWriteArrayList<>();
    private final String tenant = TestInfra.uniqueId("t");
    private final String topic = "outage-" + TestInfra.uniqueId("topic");

    @BeforeAll
    static void schema() {
        TestSchema.migrate();
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private TurnArchiveSink sink(EmbeddingModel model) {
        var transactions = new TransactionTemplate(new DataSourceTransactionManager(viaProxy.getDataSource()));
        var recorder =
                new DeadLetterPublishingRecoverer(new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of()))) {
                    @Override
                    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
                        deadLettered.add(record);
                    }
                };
        var support = new SinkSupport(
                new SinkOffsets(viaProxy, TestInfra.uniqueId("scope")),
                transactions,
                recorder,
                new DatabaseProbe(viaProxy));
        return new TurnArchiveSink(viaProxy, new Embedder(model, 64, "fake"), new ErasedUsers(viaProxy), support);
    }

    /** Gives every text a vector; {@code onEmbed} sees each text as it is embedded. */
    private static EmbeddingModel model(java.util.function.Consumer<String> onEmbed) {
        return new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                segments.forEach(s -> onEmbed.accept(s.text()));
                return Response.from(segments.stream()
                        .map(s -> Embedding.from(new float[EmbeddingSettings.DIMENSIONS]))
                        .toList());
            }
        };
    }

    private ConsumerRecord<byte[], byte[]> turn(long offset, String content, Instant createdAt) {
        Turn turn = new Turn("turn-" + offset, tenant, "default", "u", "s", "user", content, createdAt, Instant.now());
        return new ConsumerRecord<>(
                topic,
                0,
                offset,
                Topics.TURNS.keySerde().serialize(topic, turn.sessionKey()),
                Topics.TURNS.valueSerde().serialize(topic, turn));
    }

    private int archived() {
        return direct.queryForObject(
                "SELECT count(*) FROM conversation_turns WHERE tenant_id = ?", Integer.class, tenant);
    }

    @Test
    void aBatchMeetingAnOutageDeadLettersNothingAndLandsOnceTheDatabaseIsBack() {
        TurnArchiveSink sink = sink(model(text -> {}));
        var batch = List.of(
                turn(0, "I like tea.", Instant.now()),
                turn(1, "From far in the future.", YEAR_300000),
                turn(2, "I like coffee too.", Instant.now()));

        proxy.cut();
        assertThatThrownBy(() -> sink.consume(batch)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> sink.consume(batch)).isInstanceOf(RuntimeException.class);
        assertThat(deadLettered).isEmpty();
        assertThat(archived()).isZero();

        proxy.restore();
        sink.consume(batch);

        assertThat(archived()).isEqualTo(2);
        assertThat(deadLettered)
                .singleElement()
                .satisfies(r -> assertThat(r.offset()).isEqualTo(1));
    }

    @Test
    void theDatabaseGoingAwayWhileABadRecordIsIsolatedDeadLettersNothing() {
        AtomicInteger seen = new AtomicInteger();
        // The batch embeds the bad turn's text twice (alone, and as its reading in context: a turn
        // whose time cannot be stored has none); the third time is its first try alone.
        TurnArchiveSink sink = sink(model(text -> {
            if (text.equals("From far in the future.") && seen.incrementAndGet() == 3) {
                proxy.cut();
            }
        }));
        var batch = List.of(
                turn(0, "I like tea.", Instant.now()),
                turn(1, "From far in the future.", YEAR_300000),
                turn(2, "I like coffee too.", Instant.now()));

        assertThatThrownBy(() -> sink.consume(batch)).isInstanceOf(RuntimeException.class);
        assertThat(deadLettered).isEmpty();

        proxy.restore();
        sink.consume(batch);

        assertThat(archived()).isEqualTo(2);
        assertThat(deadLettered)
                .singleElement()
                .satisfies(r -> assertThat(r.offset()).isEqualTo(1));
    }
}
