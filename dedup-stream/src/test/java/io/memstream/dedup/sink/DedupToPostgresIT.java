package io.memstream.dedup.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.events.Fact;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.Ids;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.DeadLetters;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.StringNode;

/** dedup-stream on a real broker and Postgres: candidates become rows; poison pills are parked. */
@SpringBootTest(properties = {"spring.config.name=dedup-stream", "server.port=0"})
// Closed after this class, so its streams and sinks do not also process KillAndRestartIT's records.
@DirtiesContext
class DedupToPostgresIT {

    private static final String RUN = TestInfra.uniqueId("run");
    private static final Duration PIPELINE = Duration.ofSeconds(60);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.properties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("spring.kafka.streams.application-id", () -> "dedup-" + RUN);
        registry.add(
                "spring.kafka.streams.state-dir",
                () -> Path.of("target", "streams-" + RUN).toAbsolutePath().toString());
        registry.add("memstream.sink.offsets-scope", () -> RUN);
        registry.add("memstream.embeddings.backfill-interval", () -> "300ms");
        registry.add("memstream.search-index.backfill-interval", () -> "300ms");
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Embedder embedder;

    @Autowired
    FactChangelogSink factSink;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private static FactCandidate candidate(FactKey key, String value, double confidence, Instant at) {
        String turn = TestInfra.uniqueId("turn");
        return new FactCandidate(
                "c-" + turn,
                key,
                StringNode.valueOf(value),
                "User works at " + value + ".",
                null,
                List.of("work"),
                List.of(value),
                confidence,
                List.of(turn),
                "s1",
                "rules/1",
                at,
                null);
    }

    /** Empty until the fact is written. */
    private Map<String, Object> currentFact(FactKey key) {
        return jdbc
                .queryForList(
                        "SELECT value #>> '{}' AS value, confidence, cardinality(source_turn_ids) AS sources FROM facts"
                                + " WHERE tenant_id = ? AND user_id = ? AND namespace = ? AND fact_key = ?",
                        key.tenantId(),
                        key.userId(),
                        key.namespace(),
                        key.key())
                .stream()
                .findFirst()
                .orElse(Map.of());
    }

    private int historyRows(FactKey key, String change) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM fact_history WHERE tenant_id = ? AND user_id = ? AND fact_key = ? AND change = ?",
                Integer.class,
                key.tenantId(),
                key.userId(),
                key.key(),
                change);
    }

    @Test
    void aNewValueUnderAKeyIsEmbeddedAndInheritsNoUseFromTheOneItReplaced() {
        FactKey key = new FactKey("t1", TestInfra.uniqueId("u"), "default", "home.city");
        Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "Lisbon", 0.8, t0));
        await().atMost(PIPELINE).until(() -> !currentFact(key).isEmpty());
        jdbc.update(
                "UPDATE facts SET access_count = 7, last_accessed = now() WHERE tenant_id = ? AND user_id = ?",
                key.tenantId(),
                key.userId());

        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "Porto", 0.9, t0.plusSeconds(60)));

        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(currentFact(key)).containsEntry("value", "Porto"));
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT access_count, last_accessed, embedding IS NOT NULL AS embedded FROM facts"
                        + " WHERE tenant_id = ? AND user_id = ?",
                key.tenantId(),
                key.userId());
        assertThat(row).containsEntry("access_count", 0).containsEntry("embedded", true);
        assertThat(row.get("last_accessed")).isNull();
    }

    @Test
    void rowsWithoutAVectorAreBackfilled() {
        String tenant = TestInfra.uniqueId("t");
        jdbc.update(
                "INSERT INTO conversation_turns (tenant_id, turn_id, namespace, user_id, session_id, role, content,"
                        + " created_at, accepted_at) VALUES (?, 'turn-1', 'default', 'u', 's', 'user', 'I like tea.', now(), now())",
                tenant);
        jdbc.update(
                "INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence, valid_from,"
                        + " last_seen_at) VALUES ('f-1', ?, 'u', 'default', 'drink', '\"tea\"', 'User likes tea.', 0.8,"
                        + " now(), now())",
                tenant);

        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(jdbc.queryForObject(
                                "SELECT (SELECT count(*) FROM facts WHERE tenant_id = ? AND embedding IS NOT NULL)"
                                        + " + (SELECT count(*) FROM conversation_turns WHERE tenant_id = ? AND embedding IS NOT NULL)",
                                Integer.class,
                                tenant,
                                tenant))
                        .isEqualTo(2));
    }

    /** Whether the turn's keyword index holds this word (as a lexeme of the English configuration). */
    private boolean indexed(String tenant, String turnId, String word) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT coalesce(bool_or(search_index @@ plainto_tsquery('english', ?)), false) FROM conversation_turns"
                        + " WHERE tenant_id = ? AND turn_id = ?",
                Boolean.class,
                word,
                tenant,
                turnId));
    }

    @Test
    void aTurnIsIndexedWithItsSessionsDayAndThePreviousTurnAndKeepsItsOwnText() {
        String tenant = TestInfra.uniqueId("t");
        Instant tuesday = Instant.parse("2026-11-03T09:00:00Z");
        Turn question = new Turn("q", tenant, "default", "u", "s", "user", "Where should I move?", tuesday, tuesday);
        Turn answer = new Turn(
                "a", tenant, "default", "u", "s", "assistant", "Lisbon has the sea.", tuesday.plusSeconds(5), tuesday);
        // One session, so one partition: the answer comes second, in the same batch or a later one.
        TopicWriter.send(Topics.TURNS, question.sessionKey(), question);
        TopicWriter.send(Topics.TURNS, answer.sessionKey(), answer);

        await().atMost(PIPELINE).until(() -> indexed(tenant, "a", "lisbon"));
        assertThat(indexed(tenant, "a", "move")).as("the previous turn's words").isTrue();
        assertThat(indexed(tenant, "a", "Tuesday")).as("the session's day").isTrue();
        assertThat(indexed(tenant, "a", "November")).isTrue();
        assertThat(indexed(tenant, "q", "lisbon"))
                .as("a turn is not indexed with the next one")
                .isFalse();
        await().atMost(PIPELINE)
                .until(() -> jdbc.queryForObject(
                                "SELECT count(*) FROM conversation_turns WHERE tenant_id = ? AND embedding IS NOT NULL",
                                Integer.class,
                                tenant)
                        == 2);
        assertThat(jdbc.queryForMap(
                        "SELECT content, embedding_model FROM conversation_turns WHERE tenant_id = ? AND turn_id = 'a'",
                        tenant))
                .containsEntry("content", "Lisbon has the sea.")
                .containsEntry("embedding_model", "e5-small-v2-q+context");
        // Its vector is the mean of the turn read alone and read after its context, whichever batch
        // each turn came in.
        float[] expected = Embedder.turnVector(
                embedder.embed("Lisbon has the sea."),
                embedder.embed("Tuesday 3 November 2026 Where should I move? Lisbon has the sea."));
        assertThat(jdbc.queryForObject(
                        "SELECT embedding <-> ?::vector FROM conversation_turns WHERE tenant_id = ? AND turn_id = 'a'",
                        Double.class,
                        Embedder.literal(expected),
                        tenant))
                .isLessThan(1e-4);
    }

    @Test
    void aTurnsContextIsTheTurnBeforeItWhetherStoredOrEarlierInTheSameBatch() {
        String tenant = TestInfra.uniqueId("t");
        Instant monday = Instant.parse("2026-11-02T09:00:00Z");
        jdbc.update(
                "INSERT INTO conversation_turns (tenant_id, turn_id, namespace, user_id, session_id, role, content,"
                        + " created_at, accepted_at) VALUES (?, 'stored', 'default', 'u', 's', 'user', 'Stored.', ?, ?)",
                tenant,
                java.sql.Timestamp.from(monday),
                java.sql.Timestamp.from(monday));
        // Out of order, and with a turn of another session in between.
        Turn third = new Turn("3", tenant, "default", "u", "s", "user", "Third.", monday.plusSeconds(20), monday);
        Turn elsewhere =
                new Turn("x", tenant, "default", "u", "other", "user", "Elsewhere.", monday.plusSeconds(15), monday);
        Turn second = new Turn("2", tenant, "default", "u", "s", "user", "Second.", monday.plusSeconds(10), monday);

        assertThat(TurnContexts.of(jdbc, List.of(third, elsewhere, second)))
                .containsExactly(
                        "Monday 2 November 2026 Second. Third.",
                        "Monday 2 November 2026 Elsewhere.",
                        "Monday 2 November 2026 Stored. Second.");
    }

    @Test
    void turnsArchivedBeforeContextualIndexingAreIndexedInTheBackground() {
        String tenant = TestInfra.uniqueId("t");
        for (String[] turn : List.of(
                new String[] {"t-1", "I adopted a beagle.", "2026-10-01T10:00:00Z"},
                new String[] {"t-2", "What is its name?", "2026-10-01T10:01:00Z"})) {
            jdbc.update(
                    "INSERT INTO conversation_turns (tenant_id, turn_id, namespace, user_id, session_id, role, content,"
                            + " created_at, accepted_at) VALUES (?, ?, 'default', 'u', 's', 'user', ?, ?::timestamptz, now())",
                    tenant,
                    turn[0],
                    turn[1],
                    turn[2]);
        }

        await().atMost(PIPELINE).until(() -> indexed(tenant, "t-2", "beagle"));
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(jdbc.queryForList(
                                "SELECT embedding_model FROM conversation_turns WHERE tenant_id = ?",
                                String.class,
                                tenant))
                        .as("vectors of each turn and its context")
                        .containsOnly("e5-small-v2-q+context")
                        .hasSize(2));
        assertThat(jdbc.queryForList(
                        "SELECT search_length FROM conversation_turns WHERE tenant_id = ? ORDER BY turn_id",
                        Integer.class,
                        tenant))
                // "Thursday 1 October 2026" is 4 words; t-1 has 2 more (adopted, beagle), t-2 those
                // of t-1 and its own "name".
                .containsExactly(6, 7);
    }

    @Test
    void aTurnEmbeddedAloneIsReembeddedWithItsContextInTheBackground() {
        String tenant = TestInfra.uniqueId("t");
        String alone = Embedder.literal(embedder.embed("I like tea."));
        jdbc.update(
                "INSERT INTO conversation_turns (tenant_id, turn_id, namespace, user_id, session_id, role, content,"
                        + " created_at, accepted_at, embedding, embedding_model) VALUES (?, 'turn-1', 'default', 'u', 's',"
                        + " 'user', 'I like tea.', '2026-10-01T10:00:00Z', now(), ?::vector, 'e5-small-v2-q')",
                tenant,
                alone);

        await().atMost(PIPELINE)
                .until(() -> "e5-small-v2-q+context"
                        .equals(jdbc.queryForObject(
                                "SELECT embedding_model FROM conversation_turns WHERE tenant_id = ?",
                                String.class,
                                tenant)));
        assertThat(jdbc.queryForObject(
                        "SELECT embedding <-> ?::vector FROM conversation_turns WHERE tenant_id = ?",
                        Double.class,
                        alone,
                        tenant))
                .as("the vector changed")
                .isGreaterThan(0.01);
    }

    @Test
    void aVectorOfAnotherModelIsReplacedByOneOfTheConfiguredModel() {
        String tenant = TestInfra.uniqueId("t");
        jdbc.update(
                "INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence, valid_from,"
                        + " last_seen_at, embedding, embedding_model) VALUES (?, ?, 'u', 'default', 'drink', '\"tea\"',"
                        + " 'User likes tea.', 0.8, now(), now(), array_fill(0.05, ARRAY[384])::vector, 'all-minilm-l6-v2')",
                TestInfra.uniqueId("f"),
                tenant);

        await().atMost(PIPELINE)
                .until(() -> "e5-small-v2-q"
                        .equals(jdbc.queryForObject(
                                "SELECT embedding_model FROM facts WHERE tenant_id = ?", String.class, tenant)));
        assertThat(jdbc.queryForObject(
                        "SELECT embedding <> array_fill(0.05, ARRAY[384])::vector FROM facts WHERE tenant_id = ?",
                        Boolean.class,
                        tenant))
                .isTrue();
    }

    @Test
    void mergedFactsAndTheirHistoryLandInPostgres() {
        FactKey key = new FactKey("t1", TestInfra.uniqueId("u"), "default", "work.employer");
        Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "TechCorp", 0.8, t0));
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "TechCorp", 0.5, t0.plusSeconds(10)));
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "Globex", 0.9, t0.plusSeconds(20)));
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "Initech", 0.2, t0.plusSeconds(30)));

        await().atMost(PIPELINE).untilAsserted(() -> {
            assertThat(historyRows(key, "rejected")).isEqualTo(1);
            assertThat(currentFact(key)).containsEntry("value", "Globex").containsEntry("sources", 1);
            assertThat(historyRows(key, "superseded")).isEqualTo(1);
        });
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM facts WHERE tenant_id = ? AND user_id = ?",
                        Integer.class,
                        key.tenantId(),
                        key.userId()))
                .isEqualTo(1);
    }

    @Test
    void aTurnOfAnErasedUserStillInFlightIsNotArchived() {
        String erased = TestInfra.uniqueId("erased");
        String bystander = TestInfra.uniqueId("bystander");
        String session = TestInfra.uniqueId("s");
        jdbc.update("INSERT INTO erased_users (tenant_id, user_id) VALUES ('t1', ?)", erased);
        Instant now = Instant.now();
        // One session, so one partition, in this order: once the second is archived, the first was seen.
        for (String user : List.of(erased, bystander)) {
            Turn turn = new Turn("turn-" + user, "t1", "default", user, session, "user", "I like tea.", now, now);
            TopicWriter.send(Topics.TURNS, turn.sessionKey(), turn);
        }

        await().atMost(PIPELINE).until(() -> archivedTurns(bystander) == 1);
        assertThat(archivedTurns(erased)).isZero();
    }

    private int archivedTurns(String user) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM conversation_turns WHERE tenant_id = 't1' AND user_id = ?", Integer.class, user);
    }

    @Test
    void poisonPillsOnEitherTopicAreDeadLetteredAndTheRestMovesOn() {
        String badCandidate = "not a candidate " + RUN;
        String badEvent = "not an event " + RUN;
        TopicWriter.sendGarbage(Topics.FACT_CANDIDATES.name(), badCandidate);
        TopicWriter.sendGarbage(Topics.FACT_CHANGELOG.name(), badEvent);
        FactKey key = new FactKey("t1", TestInfra.uniqueId("u"), "default", "diet");
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "vegan", 0.9, Instant.now()));

        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(currentFact(key)).containsEntry("value", "vegan"));
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(DeadLetters.all())
                        .anySatisfy(l -> {
                            assertThat(l.value()).isEqualTo(badCandidate);
                            assertThat(l.originalTopic()).isEqualTo(Topics.FACT_CANDIDATES.name());
                        })
                        .anySatisfy(l -> {
                            assertThat(l.value()).isEqualTo(badEvent);
                            assertThat(l.originalTopic()).isEqualTo(Topics.FACT_CHANGELOG.name());
                            assertThat(l.reason()).contains("not a valid FactEvent");
                        }));
    }

    @Test
    void aRestartedSinkResumesFromTheOffsetsStoredWithTheRowsAndAppliesNothingTwice() {
        FactKey key = new FactKey("t1", TestInfra.uniqueId("u"), "default", "work.employer");
        Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "TechCorp", 0.8, t0));
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "Globex", 0.9, t0.plusSeconds(10)));
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(historyRows(key, "superseded")).isEqualTo(1));

        // Kafka holds no committed offsets for the sink: only the ones in Postgres can prevent a replay.
        MessageListenerContainer sink = listeners.getListenerContainer("fact-sink");
        sink.stop();
        sink.start();
        TopicWriter.send(Topics.FACT_CANDIDATES, key, candidate(key, "Initech", 0.9, t0.plusSeconds(20)));

        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(currentFact(key)).containsEntry("value", "Initech"));
        assertThat(historyRows(key, "superseded")).isEqualTo(2);
    }

    @Test
    void recordsBelowTheStoredOffsetAreSkippedAsAlreadyApplied() {
        FactKey key = new FactKey("t1", TestInfra.uniqueId("u"), "default", "diet");
        String topic = "redelivery-" + TestInfra.uniqueId("topic");
        var batch = List.of(
                changelogRecord(topic, 0, supersede(key, "vegetarian", "vegan")),
                changelogRecord(topic, 1, supersede(key, "vegan", "pescatarian")));

        factSink.consume(batch);
        factSink.consume(batch);

        assertThat(historyRows(key, "superseded")).isEqualTo(2);
        assertThat(currentFact(key)).containsEntry("value", "pescatarian");
    }

    @Test
    void aRecordPostgresRefusesIsDeadLetteredAndTheRestOfItsBatchIsApplied() {
        FactKey good = new FactKey("t1", TestInfra.uniqueId("u"), "default", "diet");
        FactKey tooLong = new FactKey("t1", TestInfra.uniqueId("u"), "default", "k".repeat(300));
        String topic = "refused-" + TestInfra.uniqueId("topic");

        factSink.consume(List.of(
                changelogRecord(topic, 0, supersede(tooLong, "a", "b")),
                changelogRecord(topic, 1, supersede(good, "vegetarian", "vegan"))));

        assertThat(currentFact(good)).containsEntry("value", "vegan");
        assertThat(currentFact(tooLong)).isEmpty();
        assertThat(DeadLetters.all()).anySatisfy(l -> {
            assertThat(l.originalTopic()).isEqualTo(topic);
            assertThat(l.reason()).contains("fact_key");
        });
    }

    private static FactEvent supersede(FactKey key, String from, String to) {
        Instant at = Instant.parse("2026-11-01T10:00:00Z");
        Fact old = new Fact(
                Ids.derived(key.toString(), from),
                key,
                StringNode.valueOf(from),
                "User is " + from + ".",
                null,
                null,
                null,
                0.8,
                List.of("t-" + from),
                at,
                null,
                at);
        Fact current = new Fact(
                Ids.derived(key.toString(), to),
                key,
                StringNode.valueOf(to),
                "User is " + to + ".",
                null,
                null,
                null,
                0.8,
                List.of("t-" + to),
                at.plusSeconds(1),
                null,
                at.plusSeconds(1));
        return new FactEvent(FactEvent.Change.SUPERSEDED, current, old.endedAt(at.plusSeconds(1)));
    }

    private static ConsumerRecord<byte[], byte[]> changelogRecord(String topic, long offset, FactEvent event) {
        var spec = Topics.FACT_CHANGELOG;
        return new ConsumerRecord<>(
                topic,
                0,
                offset,
                spec.keySerde().serialize(topic, event.current().factKey()),
                spec.valueSerde().serialize(topic, event));
    }
}
