package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Erasing a user removes everything about them, and no replay brings them back. */
class ErasureIT {

    private static final Duration APPLIED = Duration.ofSeconds(60);
    private static Api api;

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
    }

    private static int memories(String user) {
        return api.post("/v1/long-term-memory/search", "{\"user_id\": {\"eq\": \"%s\"}}".formatted(user))
                .body()
                .get("total")
                .asInt();
    }

    private static JsonNode facts(String user) {
        return api.get("/v1/users/" + user + "/facts?include_history=true")
                .body()
                .get("facts");
    }

    @Test
    void anErasedUserIsGoneEverywhereAndAReplayDoesNotBringThemBack() {
        String user = TestInfra.uniqueId("er");
        String bystander = TestInfra.uniqueId("er");
        String session = TestInfra.uniqueId("s");
        for (String u : new String[] {user, bystander}) {
            api.put("/v1/working-memory/" + session + "?user_id=" + u, """
                    {"user_id": "%s", "messages": [{"role": "user", "content": "I work at Initech."},
                                                   {"role": "user", "content": "I live in Lisbon."}],
                     "memories": [{"text": "User likes jazz."}]}""".formatted(u));
        }
        api.post("/v1/turns", """
                {"session_id": "%s", "user_id": "%s", "role": "user", "content": "I work at Globex."}""".formatted(TestInfra.uniqueId("s"), user));
        // Facts (one superseded, so there is history), the memory, and the three archived turns.
        await().atMost(APPLIED).untilAsserted(() -> {
            assertThat(memories(user)).isEqualTo(6);
            assertThat(memories(bystander)).isEqualTo(5);
        });

        var erased = api.delete("/v1/users/" + user);
        assertThat(erased.status()).as(erased.body().toString()).isEqualTo(200);
        assertThat(erased.body().get("turns").asInt()).isEqualTo(3);
        assertThat(erased.body().get("sessions").asInt()).isEqualTo(1);

        // What was still in flight when the user was erased is dropped by the sinks, not written.
        await().atMost(APPLIED).untilAsserted(() -> {
            assertThat(memories(user)).isZero();
            assertThat(facts(user)).isEmpty();
        });
        assertThat(api.get("/v1/working-memory/" + session + "?user_id=" + user).status())
                .isEqualTo(404);
        // Nothing about them is accepted again.
        String again = "{\"session_id\": \"%s\", \"user_id\": \"%s\", \"role\": \"user\", \"content\": \"hi\"}";
        assertThat(api.post("/v1/turns", again.formatted(TestInfra.uniqueId("s"), user))
                        .status())
                .isEqualTo(410);
        assertThat(api.put("/v1/working-memory/" + session, "{\"user_id\": \"%s\"}".formatted(user))
                        .status())
                .isEqualTo(410);
        assertThat(api.post(
                                "/v1/long-term-memory/",
                                "{\"memories\": [{\"text\": \"x\", \"user_id\": \"%s\"}]}".formatted(user))
                        .status())
                .isEqualTo(410);
        assertThat(api.put("/v1/users/" + user + "/facts/diet", "{\"value\": \"vegan\"}")
                        .status())
                .isEqualTo(410);

        String job = api.post("/v1/jobs", "{\"user_id\": \"%s\"}".formatted(user))
                .body()
                .get("id")
                .asString();
        await().atMost(APPLIED)
                .until(() -> api.get("/v1/jobs/" + job)
                        .body()
                        .get("state")
                        .asString()
                        .equals("succeeded"));
        assertThat(api.get("/v1/jobs/" + job).body().get("matched").asLong())
                .as("their turns are skipped")
                .isZero();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(memories(user)).isZero();
            assertThat(facts(user)).isEmpty();
        });

        assertThat(memories(bystander)).as("nobody else is touched").isEqualTo(5);
        assertThat(api.get("/v1/working-memory/" + session + "?user_id=" + bystander)
                        .status())
                .isEqualTo(200);
    }
}
