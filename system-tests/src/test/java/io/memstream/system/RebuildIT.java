package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.Api;
import io.memstream.testkit.FakeOpenAiServer;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * A rebuild recomputes a user's learned facts from their turns with a new extractor. Readers see the
 * old profile until the new one is complete, then the new one: never a mix, never half.
 */
class RebuildIT {

    private static final Duration DONE = Duration.ofSeconds(120);
    /** The new model: it reads the employer, at its own confidence, and nothing else. */
    private static final FakeOpenAiServer LLM = new FakeOpenAiServer().respondWith(request -> {
        String turns = request.get("messages").get(1).get("content").asString();
        String facts = turns.contains("Initech") ? """
                          [{"key": "work.employer", "value": "Initech", "text": "User works at Initech.",
                            "memory_type": "semantic", "topics": [], "entities": [], "event_date": "",
                            "confidence": 0.8}]""" : "[]";
        return FakeOpenAiServer.content("{\"facts\": " + facts + "}", 200, 30).slowedBy(Duration.ofMillis(200));
    });

    private static Api api;

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
    }

    @AfterAll
    static void stop() {
        LLM.close();
    }

    private static Map<String, String> profile(String user) {
        Map<String, String> values = new TreeMap<>();
        for (JsonNode f : api.get("/v1/users/" + user + "/facts").body().get("facts")) {
            values.put(
                    f.get("key").asString(),
                    f.get("value").asString() + "@" + f.get("confidence").asDouble());
        }
        return values;
    }

    private static JsonNode job(String id) {
        return api.get("/v1/jobs/" + id).body();
    }

    @Test
    void readersSeeTheOldProfileUntilTheRebuiltOneIsCompleteAndNeverAMix() {
        String user = TestInfra.uniqueId("rb");
        api.put("/v1/users/" + user + "/facts/diet", "{\"value\": \"vegan\"}");
        api.post("/v1/turns", """
                {"session_id": "%s", "user_id": "%s", "role": "user", "content": "I work at Initech."}""".formatted(TestInfra.uniqueId("s"), user));
        // Learned by an old model from a turn it misread: no turn supports it, so a rebuild drops it.
        FactKey pet = new FactKey("default", user, "default", "pet.name");
        TopicWriter.send(
                Topics.FACT_CANDIDATES,
                pet,
                new FactCandidate(
                        "old-" + user,
                        pet,
                        StringNode.valueOf("Rex"),
                        "User's pet is called Rex.",
                        null,
                        List.of(),
                        List.of(),
                        0.7,
                        List.of("misread-" + user),
                        null,
                        "llm/old-model/prompt-v0",
                        Instant.now(),
                        null));
        await().atMost(DONE).until(() -> profile(user).size() == 3);
        Map<String, String> before = profile(user);
        assertThat(before)
                .containsEntry("diet", "vegan@1.0")
                .containsKey("work.employer")
                .containsKey("pet.name");

        ConfigurableApplicationContext worker = Pipeline.extraExtractor(
                Map.of("memstream.llm.base-url", LLM.baseUrl(), "memstream.jobs.batch-records", "1"));
        List<Map<String, String>> seen = new ArrayList<>();
        String id;
        try {
            var started = api.post(
                    "/v1/jobs",
                    "{\"user_id\": \"%s\", \"mode\": \"rebuild\", \"extractor\": \"llm\", \"model\": \"new-model\"}"
                            .formatted(user));
            assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
            id = started.body().get("id").asString();
            assertThat(api.post("/v1/jobs", "{\"mode\": \"rebuild\"}").status())
                    .as("an overlapping rebuild waits for this one")
                    .isEqualTo(409);
            String petId = null;
            for (JsonNode f : api.get("/v1/users/" + user + "/facts").body().get("facts")) {
                if (f.get("key").asString().equals("pet.name")) {
                    petId = f.get("id").asString();
                }
            }
            String edit = "/v1/long-term-memory/" + petId;
            List<Integer> editStatuses = new ArrayList<>();
            List<Integer> cancelStatuses = new ArrayList<>();
            await().atMost(DONE).pollInterval(Duration.ofMillis(20)).until(() -> {
                seen.add(profile(user));
                // An edit naming the memory: refused (409) while the rebuild holds the scope, a 400 for
                // its invalid type before, a 404 after (the rebuild dropped it); it never changes anything.
                int status = api.patch(edit, "{\"memory_type\": \"message\"}").status();
                editStatuses.add(status);
                if (status == 409) {
                    cancelStatuses.add(
                            api.post("/v1/jobs/" + id + "/cancel", "").status());
                }
                return job(id).get("state").asString().equals("succeeded");
            });
            // Never anything else (containsOnly would also demand a 404, which no read sees when the
            // rebuild ends between the last edit and the look at its state).
            assertThat(editStatuses).contains(409).isSubsetOf(400, 409, 404);
            assertThat(cancelStatuses)
                    .as("a started rebuild is not cancelled")
                    .isNotEmpty()
                    .containsOnly(409);
        } finally {
            worker.close();
        }

        Map<String, String> after = profile(user);
        assertThat(after)
                .as("the explicit value stays; the employer is the new model's alone; the misread is gone")
                .isEqualTo(Map.of("diet", "vegan@1.0", "work.employer", "Initech@0.8"));
        assertThat(before.get("work.employer"))
                .as("the old extractor's confidence")
                .isNotEqualTo("Initech@0.8");
        assertThat(seen).first().isEqualTo(before);
        int firstNew = seen.indexOf(after);
        List<Map<String, String>> whileRunning = firstNew < 0 ? seen : seen.subList(0, firstNew);
        assertThat(whileRunning).as("every read before the switch").allMatch(before::equals);
        // The switch may also come after the last read (between it and the job's state turning
        // succeeded): then every read saw the old profile, and there is no read after it.
        List<Map<String, String>> afterSwitch = firstNew < 0 ? List.of() : seen.subList(firstNew, seen.size());
        assertThat(afterSwitch).as("every read after it").allMatch(after::equals);
        assertThat(seen.size()).as("reads while the rebuild ran").isGreaterThan(3);
    }
}
