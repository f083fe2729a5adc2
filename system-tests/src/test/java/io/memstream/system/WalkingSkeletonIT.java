package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.Api;
import io.memstream.testkit.DedupProgress;
import io.memstream.testkit.TestDatabase;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One turn travels the whole pipeline: HTTP, Kafka, the extractor, dedup in Kafka Streams, the
 * Postgres sink, and back out through the API.
 */
class WalkingSkeletonIT {

    private static final Duration PIPELINE = Duration.ofSeconds(60);
    private static Api api;

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
    }

    private static String turn(String id, String user, String content) {
        return """
                {"id": "%s", "session_id": "s-%s", "user_id": "%s", "role": "user", "content": "%s"}
                """.formatted(id, user, user, content);
    }

    private static Map<String, JsonNode> factsByKey(String user) {
        Api.Response response = api.get("/v1/users/" + user + "/facts");
        assertThat(response.status()).isEqualTo(200);
        Map<String, JsonNode> byKey = new HashMap<>();
        response.body().get("facts").forEach(f -> byKey.put(f.get("key").asString(), f));
        return byKey;
    }

    @Test
    void aTurnBecomesFactsInPostgresReadableThroughTheApi() {
        String user = TestInfra.uniqueId("ana");
        String turnId = TestInfra.uniqueId("turn");

        Api.Response accepted =
                api.post("/v1/turns", turn(turnId, user, "Hi, my name is Ana and I work at TechCorp. I'm vegetarian."));

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().get("turn_ids").get(0).asString()).isEqualTo(turnId);
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(factsByKey(user)).containsKeys("name", "work.employer", "diet"));
        Map<String, JsonNode> facts = factsByKey(user);
        assertThat(facts.get("work.employer").get("value").asString()).isEqualTo("TechCorp");
        assertThat(facts.get("work.employer").get("text").asString()).isEqualTo("User works at TechCorp.");
        assertThat(facts.get("diet").get("source_turn_ids").get(0).asString()).isEqualTo(turnId);
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(archivedTurns(user)).isEqualTo(1));
    }

    @Test
    void theSameTurnPostedTwiceYieldsOneFactWithItsEvidenceCountedOnce() throws SQLException {
        String user = TestInfra.uniqueId("bo");
        String turnId = TestInfra.uniqueId("turn");
        String body = turn(turnId, user, "I live in Lisbon.");

        assertThat(api.post("/v1/turns", body).status()).isEqualTo(202);
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(factsByKey(user)).containsKey("location.home"));
        double confidence =
                factsByKey(user).get("location.home").get("confidence").asDouble();

        Api.Response again = api.post("/v1/turns", body);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().get("duplicate_ids").get(0).asString()).isEqualTo(turnId);

        // A later, different turn for another key proves the pipeline has moved past the duplicate.
        assertThat(api.post("/v1/turns", turn(TestInfra.uniqueId("turn"), user, "I work at Initech."))
                        .status())
                .isEqualTo(202);
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(factsByKey(user)).containsKey("work.employer"));
        JsonNode home = factsByKey(user).get("location.home");
        assertThat(home.get("confidence").asDouble()).isEqualTo(confidence);
        assertThat(home.get("source_turn_ids")).hasSize(1);
        assertThat(factRows(user, "location.home")).isEqualTo(1);
    }

    @Test
    void aTurnDeliveredTwiceToThePipelineChangesNothing() throws SQLException {
        // Past the API's duplicate check: the very same turn record lands on the topic twice, as it
        // would if a producer retried or Redis had been unavailable.
        String user = TestInfra.uniqueId("di");
        Instant now = Instant.now();
        Turn turn = new Turn(
                TestInfra.uniqueId("turn"),
                "default",
                "default",
                user,
                TestInfra.uniqueId("s"),
                "user",
                "I'm vegetarian.",
                now,
                now);
        TopicWriter.send(Topics.TURNS, turn.sessionKey(), turn);
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(factsByKey(user)).containsKey("diet"));
        JsonNode before = factsByKey(user).get("diet");

        TopicWriter.send(Topics.TURNS, turn.sessionKey(), turn);
        // The same session's next turn is behind the duplicate on the same partition: once it has
        // been learned, the duplicate has been through the pipeline too.
        Turn next = new Turn(
                TestInfra.uniqueId("turn"),
                "default",
                "default",
                user,
                turn.sessionId(),
                "user",
                "I'm allergic to peanuts.",
                now,
                now);
        TopicWriter.send(Topics.TURNS, next.sessionKey(), next);
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(factsByKey(user)).containsKey("health.allergy.peanuts"));
        // The allergy is another key, merged on another partition: wait until dedup has merged
        // everything published so far, the duplicate's diet candidate among it.
        DedupProgress.awaitMerged(Pipeline.dedupApplicationId(), PIPELINE);

        JsonNode after = factsByKey(user).get("diet");
        assertThat(after.get("confidence").asDouble())
                .isEqualTo(before.get("confidence").asDouble());
        assertThat(after.get("source_turn_ids")).hasSize(1);
        assertThat(count("SELECT count(*) FROM fact_history WHERE user_id = ?", user))
                .isZero();
        // The archive reads the turns on its own: the facts say nothing of how far it has come.
        await().atMost(PIPELINE)
                .untilAsserted(
                        () -> assertThat(count("SELECT count(*) FROM conversation_turns WHERE user_id = ?", user))
                                .isEqualTo(2));
    }

    @Test
    void theSameStatementInANewTurnReinforcesTheOneFact() throws SQLException {
        String user = TestInfra.uniqueId("cy");
        assertThat(api.post("/v1/turns", turn(TestInfra.uniqueId("turn"), user, "I'm allergic to peanuts."))
                        .status())
                .isEqualTo(202);
        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(factsByKey(user)).containsKey("health.allergy.peanuts"));
        double first =
                factsByKey(user).get("health.allergy.peanuts").get("confidence").asDouble();

        assertThat(api.post("/v1/turns", turn(TestInfra.uniqueId("turn"), user, "I am allergic to Peanuts"))
                        .status())
                .isEqualTo(202);

        await().atMost(PIPELINE)
                .untilAsserted(() -> assertThat(
                                factsByKey(user).get("health.allergy.peanuts").get("source_turn_ids"))
                        .hasSize(2));
        assertThat(factsByKey(user)
                        .get("health.allergy.peanuts")
                        .get("confidence")
                        .asDouble())
                .isGreaterThan(first);
        assertThat(factRows(user, "health.allergy.peanuts")).isEqualTo(1);
    }

    private static int factRows(String user, String key) throws SQLException {
        return count(
                "SELECT count(*) FROM facts WHERE tenant_id = 'default' AND user_id = ? AND fact_key = ?", user, key);
    }

    private static int archivedTurns(String user) throws SQLException {
        return count("SELECT count(*) FROM conversation_turns WHERE user_id = ?", user);
    }

    private static int count(String sql, String... args) throws SQLException {
        try (Connection c = TestDatabase.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
