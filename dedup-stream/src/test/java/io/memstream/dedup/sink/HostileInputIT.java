package io.memstream.dedup.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.Fact;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.SessionSummary;
import io.memstream.common.events.Turn;
import io.memstream.common.json.Json;
import io.memstream.common.topics.TopicSpec;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.DeadLetters;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.StringNode;

/**
 * Records no stage can store, written straight onto the topics as a hostile or broken producer
 * would, through the real dedup topology and sinks: each is dead-lettered with the reason, and a
 * good record of another tenant sent after them on the same partition still lands. None of them
 * stops a stage.
 */
@SpringBootTest(properties = {"spring.config.name=dedup-stream", "server.port=0"})
@DirtiesContext
class HostileInputIT {

    private static final String RUN = TestInfra.uniqueId("hostile");
    private static final Duration PIPELINE = Duration.ofSeconds(60);

    /** Instant.MIN's year: Timestamp.from overflows on it. */
    private static final Instant BEFORE_TIME = Instant.parse("-1000000000-01-01T00:00:00Z");
    /** Instant.MAX's year. */
    private static final Instant AFTER_TIME = Instant.parse("+1000000000-12-31T23:59:59Z");
    /** Inside Java's range, outside Postgres's (4713 BC to 294276 AD). */
    private static final Instant YEAR_300000 = Instant.parse("+300000-01-01T00:00:00Z");

    private static final Instant YEAR_MINUS_300000 = Instant.parse("-300000-01-01T00:00:00Z");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.properties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("spring.kafka.streams.application-id", () -> "dedup-" + RUN);
        registry.add(
                "spring.kafka.streams.state-dir",
                () -> Path.of("target", "streams-" + RUN).toAbsolutePath().toString());
        registry.add("memstream.sink.offsets-scope", () -> RUN);
    }

    @Autowired
    JdbcTemplate jdbc;

    private final String hostile = TestInfra.uniqueId("hostile");
    private final String good = TestInfra.uniqueId("good");

    private static Turn turn(String tenant, String id, String content, Instant createdAt) {
        return new Turn(id, tenant, "default", "u", "s", "user", content, createdAt, Instant.now());
    }

    /** A lone surrogate cannot be written by Jackson; a producer that escapes it by hand can. */
    private static byte[] withLoneSurrogate(byte[] json, String placeholder) {
        return new String(json, StandardCharsets.UTF_8)
                .replace(placeholder, "\\ud800")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static <K, V> void send(TopicSpec<K, V> spec, K route, V value) {
        TopicWriter.send(spec, route, value);
    }

    private void awaitDeadLetters(String topic, Map<String, String> reasonById) {
        await().atMost(PIPELINE).untilAsserted(() -> {
            List<DeadLetters.Letter> letters = DeadLetters.all();
            reasonById.forEach((id, reason) -> assertThat(letters)
                    .as("the dead letter of %s", id)
                    .anySatisfy(l -> {
                        assertThat(l.value()).contains(id);
                        assertThat(l.originalTopic()).isEqualTo(topic);
                        assertThat(l.reason()).contains(reason);
                    }));
        });
    }

    @Test
    void turnsNoDatabaseCanHoldAreDeadLetteredAndAnotherTenantsTurnAfterThemLands() {
        // One key for all, so one partition, in this order: the good turn lands only past the bad ones.
        SessionKey route = new SessionKey(hostile, "default", "s");
        send(Topics.TURNS, route, turn(hostile, "before-time-" + RUN, "Long ago.", BEFORE_TIME));
        send(Topics.TURNS, route, turn(hostile, "after-time-" + RUN, "Far ahead.", AFTER_TIME));
        send(Topics.TURNS, route, turn(hostile, "year-300000-" + RUN, "Ahead.", YEAR_300000));
        send(Topics.TURNS, route, turn(hostile, "nul-" + RUN, "tea\u0000", Instant.now()));
        Turn surrogate = turn(hostile, "surrogate-" + RUN, "tea SURROGATE", Instant.now());
        TopicWriter.sendRaw(
                Topics.TURNS.name(),
                Topics.TURNS.keySerde().serialize(Topics.TURNS.name(), route),
                withLoneSurrogate(Topics.TURNS.valueSerde().serialize(Topics.TURNS.name(), surrogate), "SURROGATE"));
        send(Topics.TURNS, route, turn(good, "fine-" + RUN, "I like tea.", Instant.now()));

        await().atMost(PIPELINE)
                .until(() -> jdbc.queryForObject(
                                "SELECT count(*) FROM conversation_turns WHERE tenant_id = ?", Integer.class, good)
                        == 1);
        awaitDeadLetters(
                Topics.TURNS.name(),
                Map.of(
                        "before-time-" + RUN, "created_at -1000000000-01-01T00:00:00Z is outside",
                        "after-time-" + RUN, "created_at +1000000000-12-31T23:59:59Z is outside",
                        "year-300000-" + RUN, "created_at +300000-01-01T00:00:00Z is outside",
                        "nul-" + RUN, "0x00"));
        // The API refuses a lone surrogate; one that reaches the sink anyway is not worth a dead letter:
        // the driver writes it as UTF-8 would, a replacement character, and the turn lands.
        assertThat(jdbc.queryForList(
                        "SELECT content FROM conversation_turns WHERE tenant_id = ? AND turn_id = ?",
                        String.class,
                        hostile,
                        "surrogate-" + RUN))
                .containsExactly("tea ?");
    }

    @Test
    void twoUsersTurnsWithTheSameIdBothLand() {
        // A turn id is unique per user (V10): one user who used another's id first takes nothing from them.
        String id = "shared-id-" + RUN;
        SessionKey route = new SessionKey(good, "default", "s");
        Instant now = Instant.now();
        send(Topics.TURNS, route, new Turn(id, good, "default", "attacker", "s", "user", "first", now, now));
        send(Topics.TURNS, route, new Turn(id, good, "default", "victim", "s", "user", "second", now, now));

        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(jdbc.queryForList(
                                "SELECT user_id || ':' || content FROM conversation_turns"
                                        + " WHERE tenant_id = ? AND turn_id = ? ORDER BY user_id",
                                String.class,
                                good,
                                id))
                        .containsExactly("attacker:first", "victim:second"));
    }

    /** Arrays nested this deep: the API accepts a value of 499, and the merged state is two deeper. */
    private static JsonNode nested(int depth) {
        JsonNode node = StringNode.valueOf("x");
        for (int i = 0; i < depth; i++) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            array.add(node);
            node = array;
        }
        return node;
    }

    private static FactCandidate candidate(FactKey key, String id, JsonNode value, double confidence) {
        return new FactCandidate(
                id,
                key,
                value,
                "User's profile.",
                null,
                List.of(),
                List.of(),
                confidence,
                List.of(id),
                null,
                "explicit",
                Instant.now(),
                null);
    }

    @Test
    void aCandidateWhoseMergeCannotBeWrittenIsDeadLetteredAndAnotherTenantsCandidateAfterItLands() {
        FactKey route = new FactKey(hostile, "u", "default", "profile");
        send(Topics.FACT_CANDIDATES, route, candidate(route, "c-deep-" + RUN, nested(499), 1.0));
        FactKey fine = new FactKey(good, "u", "default", "profile");
        send(Topics.FACT_CANDIDATES, route, candidate(fine, "c-fine-" + RUN, StringNode.valueOf("plain"), 1.0));

        await().atMost(PIPELINE)
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM facts WHERE tenant_id = ?", Integer.class, good)
                        == 1);
        awaitDeadLetters(Topics.FACT_CANDIDATES.name(), Map.of("c-deep-" + RUN, "nesting depth"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM facts WHERE tenant_id = ?", Integer.class, hostile))
                .isZero();
    }

    private static FactEvent created(FactKey key, String id, String value, String text, Instant at) {
        Fact fact =
                new Fact(id, key, StringNode.valueOf(value), text, null, null, null, 0.8, List.of(id), at, null, at);
        return new FactEvent(FactEvent.Change.CREATED, fact, null);
    }

    @Test
    void factChangesNoDatabaseCanHoldAreDeadLetteredAndAnotherTenantsFactAfterThemLands() {
        FactKey route = new FactKey(hostile, "u", "default", "diet");
        Instant now = Instant.now();
        send(Topics.FACT_CHANGELOG, route, created(route, "f-before-" + RUN, "tea", "Likes tea.", BEFORE_TIME));
        send(Topics.FACT_CHANGELOG, route, created(route, "f-after-" + RUN, "tea", "Likes tea.", AFTER_TIME));
        send(Topics.FACT_CHANGELOG, route, created(route, "f-300000-" + RUN, "tea", "Likes tea.", YEAR_300000));
        send(Topics.FACT_CHANGELOG, route, created(route, "f-nul-value-" + RUN, "tea\u0000", "Likes tea.", now));
        send(Topics.FACT_CHANGELOG, route, created(route, "f-nul-text-" + RUN, "tea", "Likes\u0000 tea.", now));
        FactKey fine = new FactKey(good, "u", "default", "diet");
        send(Topics.FACT_CHANGELOG, route, created(fine, "f-fine-" + RUN, "tea", "Likes tea.", now));

        await().atMost(PIPELINE)
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM facts WHERE tenant_id = ?", Integer.class, good)
                        == 1);
        awaitDeadLetters(
                Topics.FACT_CHANGELOG.name(),
                Map.of(
                        "f-before-" + RUN, "valid_from -1000000000-01-01T00:00:00Z is outside",
                        "f-after-" + RUN, "valid_from +1000000000-12-31T23:59:59Z is outside",
                        "f-300000-" + RUN, "valid_from +300000-01-01T00:00:00Z is outside",
                        "f-nul-value-" + RUN, "\\u0000",
                        "f-nul-text-" + RUN, "0x00"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM facts WHERE tenant_id = ?", Integer.class, hostile))
                .isZero();
    }

    private static SessionSummary summary(String tenant, String session, String text, Instant at) {
        return new SessionSummary(tenant, "default", "u", session, "g1", text, List.of("m1"), "test/1", at);
    }

    @Test
    void summariesNoDatabaseCanHoldAreDeadLetteredAndAnotherTenantsSummaryAfterThemLands() {
        SessionKey route = new SessionKey(hostile, "default", "s");
        send(Topics.SESSION_SUMMARIES, route, summary(hostile, "s-before-" + RUN, "Tea.", BEFORE_TIME));
        send(Topics.SESSION_SUMMARIES, route, summary(hostile, "s-ancient-" + RUN, "Tea.", YEAR_MINUS_300000));
        send(Topics.SESSION_SUMMARIES, route, summary(hostile, "s-nul-" + RUN, "Tea\u0000.", Instant.now()));
        send(Topics.SESSION_SUMMARIES, route, summary(good, "s-fine-" + RUN, "Tea.", Instant.now()));

        await().atMost(PIPELINE)
                .until(() -> jdbc.queryForObject(
                                "SELECT count(*) FROM session_summaries WHERE tenant_id = ?", Integer.class, good)
                        == 1);
        awaitDeadLetters(
                Topics.SESSION_SUMMARIES.name(),
                Map.of(
                        "s-before-" + RUN, "created_at -1000000000-01-01T00:00:00Z is outside",
                        "s-ancient-" + RUN, "created_at -300000-01-01T00:00:00Z is outside",
                        "s-nul-" + RUN, "0x00"));
    }
}
