package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * The user's profile through the whole pipeline: what the user sets explicitly is certain, is not
 * overwritten by anything learned later, and every value that left a key stays in its history.
 */
class ProfileIT {

    private static Api api;

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
    }

    private static JsonNode employer(String user) {
        for (JsonNode fact : api.get("/v1/users/" + user + "/facts?include_history=true")
                .body()
                .get("facts")) {
            if (fact.get("key").asString().equals("work.employer")) {
                return fact;
            }
        }
        return null;
    }

    @Test
    void anExplicitValueWinsOverLearnedOnesAndHistoryExplainsEveryChange() {
        String user = TestInfra.uniqueId("pr");
        assertThat(api.put("/v1/users/" + user + "/facts/work.employer", "{\"value\": \"Initech\"}")
                        .status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(employer(user)).isNotNull());
        assertThat(employer(user).get("value").asString()).isEqualTo("Initech");
        assertThat(employer(user).get("confidence").asDouble()).isEqualTo(1.0);

        // Learned later, with high confidence: kept in history as rejected, the explicit value stays.
        assertThat(api.post("/v1/turns", """
                                {"session_id": "%s", "user_id": "%s", "role": "user", "content": "I work at TechCorp."}""".formatted(TestInfra.uniqueId("s"), user))
                        .status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(employer(user).get("history")).anySatisfy(h -> {
                    assertThat(h.get("value").asString()).isEqualTo("TechCorp");
                    assertThat(h.get("change").asString()).isEqualTo("rejected");
                }));
        assertThat(employer(user).get("value").asString()).isEqualTo("Initech");

        // Another explicit write replaces it; the old explicit value is superseded, in history.
        api.put("/v1/users/" + user + "/facts/work.employer", "{\"value\": \"Globex\"}");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        // Compared as JSON: until the change lands the value is still the array, which
                        // asString() would refuse with an exception Awaitility does not retry on.
                        () -> assertThat(employer(user).get("value")).isEqualTo(StringNode.valueOf("Globex")));
        assertThat(employer(user).get("history")).anySatisfy(h -> {
            assertThat(h.get("value").asString()).isEqualTo("Initech");
            assertThat(h.get("change").asString()).isEqualTo("superseded");
        });
    }

    @Test
    void theDeepestValueTheApiAcceptsStaysReadableWithItsHistoryAfterItIsReplaced() {
        // 31 arrays around a string: 32 levels, the most the API takes. The stored state and the
        // answer nest it further, and every read of the profile must still answer.
        String user = TestInfra.uniqueId("pr");
        String deepest = "[".repeat(31) + "\"x\"" + "]".repeat(31);
        assertThat(api.put("/v1/users/" + user + "/facts/work.employer", "{\"value\": " + deepest + "}")
                        .status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(employer(user)).isNotNull());
        assertThat(employer(user).get("value").isArray()).isTrue();

        api.put("/v1/users/" + user + "/facts/work.employer", "{\"value\": \"Globex\"}");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        // Compared as JSON: until the change lands the value is still the array, which
                        // asString() would refuse with an exception Awaitility does not retry on.
                        () -> assertThat(employer(user).get("value")).isEqualTo(StringNode.valueOf("Globex")));
        assertThat(employer(user).get("history"))
                .anySatisfy(h -> assertThat(h.get("change").asString()).isEqualTo("superseded"));
        assertThat(api.get("/v1/users/" + user + "/facts").status()).isEqualTo(200);
    }
}
