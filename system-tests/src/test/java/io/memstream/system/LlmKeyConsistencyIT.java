package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.testkit.Api;
import io.memstream.testkit.FakeOpenAiServer;
import io.memstream.testkit.TestInfra;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Key consistency through the whole pipeline: the prompt for a later turn carries the key the user
 * already has, the model reuses it, and dedup merges the two statements into one fact.
 */
class LlmKeyConsistencyIT {

    private static final FakeOpenAiServer LLM = new FakeOpenAiServer().respondWith(LlmKeyConsistencyIT::answer);
    private static ConfigurableApplicationContext llmWorker;
    private static Api api;

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
        llmWorker = Pipeline.extraExtractor(Map.of("memstream.llm.base-url", LLM.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (llmWorker != null) {
            llmWorker.close();
        }
        LLM.close();
    }

    /**
     * A model that, like real ones, picks some key of its own unless told which key the user already
     * has. Only turns mentioning "Quarkly" are about employment; everything else has no facts.
     */
    private static FakeOpenAiServer.Reply answer(JsonNode request) {
        String system = request.get("messages").get(0).get("content").asString();
        String message = request.get("messages").get(1).get("content").asString();
        if (!message.contains("Quarkly")) {
            return FakeOpenAiServer.content("{\"facts\": []}", 100, 5);
        }
        boolean told = system.contains("reuse them for the same attribute): work.employer");
        // Unguided, this model names the attribute differently when it is phrased differently.
        String key = told ? "work.employer" : message.contains("weekdays") ? "job.company" : "work.employer";
        return FakeOpenAiServer.content("""
                {"facts": [{"key": "%s", "value": "Quarkly", "text": "User works at Quarkly.",
                            "memory_type": "semantic", "topics": ["work"], "entities": ["Quarkly"],
                            "event_date": "", "confidence": 0.7}]}""".formatted(key), 300, 40);
    }

    private static Map<String, JsonNode> facts(String user) {
        Map<String, JsonNode> byKey = new HashMap<>();
        api.get("/v1/users/" + user + "/facts")
                .body()
                .get("facts")
                .forEach(f -> byKey.put(f.get("key").asString(), f));
        return byKey;
    }

    private static void say(String user, String session, String content) {
        assertThat(api.post("/v1/turns", """
                                {"session_id": "%s", "user_id": "%s", "role": "user", "content": "%s"}""".formatted(session, user, content)).status())
                .isEqualTo(202);
    }

    @Test
    void aLaterTurnAboutTheSameAttributeGetsTheSameKeyAndDedups() {
        String user = TestInfra.uniqueId("kc");
        say(user, TestInfra.uniqueId("s"), "Honestly, Quarkly keeps me busy these days.");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(facts(user)).containsKey("work.employer"));

        // Another session, later: the model is told the key the user already has.
        say(user, TestInfra.uniqueId("s"), "Still spending my weekdays at Quarkly.");

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(facts(user).get("work.employer").get("source_turn_ids"))
                        .hasSize(2));
        assertThat(facts(user)).containsOnlyKeys("work.employer");
        assertThat(facts(user).get("work.employer").get("confidence").asDouble())
                .isGreaterThan(0.7);
    }
}
