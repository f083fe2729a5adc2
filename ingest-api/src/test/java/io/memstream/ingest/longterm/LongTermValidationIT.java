package io.memstream.ingest.longterm;

import static io.memstream.testkit.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactCandidate.Operation;
import io.memstream.common.events.MemoryKeys;
import io.memstream.common.topics.Topics;
import io.memstream.ingest.RunningIngestApi;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The long-term routes at the edge: what they publish into the dedup stream, and a clear 400 naming
 * the field for every kind of bad input, with nothing published for it.
 */
@TestPropertySource(properties = {"memstream.auth.enabled=false"})
class LongTermValidationIT extends RunningIngestApi {

    String user;

    @BeforeEach
    void setUp() {
        user = TestInfra.uniqueId("u");
    }

    private boolean turnsPublished() {
        return TopicProbe.values(Topics.TURNS).stream().anyMatch(t -> user.equals(t.userId()));
    }

    private List<FactCandidate> published() {
        return TopicProbe.values(Topics.FACT_CANDIDATES).stream()
                .filter(c -> c.factKey().userId().equals(user))
                .toList();
    }

    @Test
    void aCreatedMemoryIsACertainCandidateKeyedByItsContentOrByItsId() {
        var ok = api.post("/v1/long-term-memory/", """
                {"memories": [
                  {"id": "m1-%1$s", "text": "User likes jazz.", "user_id": "%1$s", "topics": ["music"], "pinned": true},
                  {"text": "User likes chess.", "user_id": "%1$s", "namespace": "games", "unknown_field": 1}]}""".formatted(user));
        assertThat(ok.status()).isEqualTo(200);
        api.post("/v1/long-term-memory", """
                {"deduplicate": false, "memories": [{"id": "m3-%1$s", "text": "User likes jazz.", "user_id": "%1$s"}]}""".formatted(user));

        List<FactCandidate> out = published();
        assertThat(out).hasSize(3);
        // Records of different keys may be on different partitions: find each by what it is.
        FactCandidate jazz = out.stream()
                .filter(c -> ("m1-" + user).equals(c.memoryId()))
                .findFirst()
                .orElseThrow();
        FactCandidate chess = out.stream()
                .filter(c -> c.text().equals("User likes chess."))
                .findFirst()
                .orElseThrow();
        FactCandidate undeduplicated = out.stream()
                .filter(c -> ("m3-" + user).equals(c.memoryId()))
                .findFirst()
                .orElseThrow();
        assertThat(jazz.factKey().key()).isEqualTo(MemoryKeys.forText("user likes JAZZ."));
        assertThat(jazz.memoryId()).isEqualTo("m1-" + user);
        assertThat(jazz.confidence()).isEqualTo(1.0);
        assertThat(jazz.pinned()).isTrue();
        assertThat(jazz.topics()).containsExactly("music");
        assertThat(jazz.sourceTurnIds()).containsExactly("memory:m1-" + user);
        assertThat(jazz.operation()).isEqualTo(Operation.OBSERVE);
        assertThat(chess.factKey().namespace()).isEqualTo("games");
        assertThat(chess.memoryId()).isNotBlank();
        assertThat(undeduplicated.factKey().key()).isEqualTo(MemoryKeys.forId("m3-" + user));
    }

    @Test
    void badMemoriesAreRefusedAndNothingIsPublished() {
        String u = user;
        assertProblem(api.post("/v1/long-term-memory/", "{}"), 400, "memories");
        assertProblem(api.post("/v1/long-term-memory/", "{\"memories\": []}"), 400, "memories");
        assertProblem(
                api.post("/v1/long-term-memory/", "{\"memories\": [{\"text\": \" \", \"user_id\": \"" + u + "\"}]}"),
                400,
                "memories[0].text");
        assertProblem(
                api.post(
                        "/v1/long-term-memory/",
                        "{\"memories\": [{\"text\": \"ok\", \"user_id\": \"" + u
                                + "\"}, {\"text\": \"x\", \"memory_type\": \"message\", \"user_id\": \"" + u + "\"}]}"),
                400,
                "memories[1].memory_type");
        assertProblem(
                api.post("/v1/long-term-memory/", "{\"memories\": [{\"text\": \"" + "x".repeat(10_001) + "\"}]}"),
                400,
                "memories[0].text");
        assertProblem(
                api.post("/v1/long-term-memory/", "{\"memories\": [{\"id\": \"has space\", \"text\": \"x\"}]}"),
                400,
                "memories[0].id");
        assertProblem(
                api.post("/v1/long-term-memory/", "{\"memories\": [{\"text\": \"x\", \"topics\": [\"a\", null]}]}"),
                400,
                "topics");
        assertProblem(
                api.put(
                        "/v1/working-memory/s-" + u,
                        "{\"user_id\": \"" + u + "\", \"messages\": [{\"role\": \"user\","
                                + " \"content\": \"hi\"}], \"memories\": [{\"text\": \"" + "x".repeat(10_001)
                                + "\"}]}"),
                400,
                "memories[0].text");
        assertProblem(
                api.post("/v1/long-term-memory/", "{\"memories\": [{\"text\": \"x\", \"created_at\": \"yesterday\"}]}"),
                400,
                "created_at");
        assertThat(published()).isEmpty();
        assertThat(turnsPublished())
                .as("a refused working-memory PUT publishes none of its messages")
                .isFalse();
    }

    @Test
    void badSearchesNameTheFieldAndTheFormExpected() {
        String s = "/v1/long-term-memory/search";
        assertProblem(api.post(s, "{\"search_mode\": \"fuzzy\"}"), 400, "search_mode");
        assertProblem(api.post(s, "{\"limit\": 0}"), 400, "limit");
        assertProblem(api.post(s, "{\"limit\": 101}"), 400, "limit");
        assertProblem(api.post(s, "{\"offset\": -1}"), 400, "offset");
        assertProblem(
                api.post(s, "{\"text\": \"x\", \"search_mode\": \"keyword\", \"distance_threshold\": 0.5}"),
                400,
                "distance_threshold");
        assertProblem(api.post(s, "{\"distance_threshold\": 3}"), 400, "distance_threshold");
        assertProblem(api.post(s, "{\"hybrid_alpha\": 1.5}"), 400, "hybrid_alpha");
        assertProblem(api.post(s, "{\"recency_half_life_created_days\": 0}"), 400, "recency_half_life_created_days");
        assertProblem(api.post(s, "{\"topics\": \"travel\"}"), 400, "topics");
        assertProblem(api.post(s, "{\"topics\": {\"eq\": \"a\", \"ne\": \"b\"}}"), 400, "topics");
        assertProblem(api.post(s, "{\"topics\": {\"contains\": \"a\"}}"), 400, "topics");
        assertProblem(api.post(s, "{\"topics\": {\"all\": []}}"), 400, "topics");
        assertProblem(api.post(s, "{\"session_id\": {\"any\": [1, 2]}}"), 400, "session_id");
        assertProblem(api.post(s, "{\"created_at\": {\"gt\": \"last week\"}}"), 400, "created_at");
        assertProblem(api.post(s, "{\"event_date\": {\"between\": [\"2026-01-01\"]}}"), 400, "event_date");
        assertProblem(api.post(s, "{\"last_accessed\": {\"after\": 0}}"), 400, "last_accessed");
        assertProblem(api.post(s, "{\"text\": \"a\\u0000b\"}"), 400, "text");
        assertProblem(api.post(s, "{\"session_id\": {\"eq\": \"a\\u0000\"}}"), 400, "session_id");
        assertProblem(api.post(s, "{\"created_at\": {\"gt\": 1e17}}"), 400, "created_at");
        assertProblem(api.post(s, "{\"created_at\": {\"gt\": \"+300000-01-01T00:00:00Z\"}}"), 400, "created_at");
        assertProblem(api.post(s, "{\"recency_half_life_last_access_days\": 0.001}"), 400, "recency_half_life");
        assertProblem(api.post(s, "{\"recency_semantic_weight\": 1e400}"), 400, "recency_semantic_weight");
        assertProblem(api.post(s, "{\"text\": "), 400, "malformed");
    }

    @Test
    void badEditsDeletesForgetsAndPromptsAreRefused() {
        assertProblem(api.patch("/v1/long-term-memory/anything", "{}"), 400, "body");
        assertProblem(api.patch("/v1/long-term-memory/anything", "{\"text\": \"\"}"), 400, "text");
        assertProblem(api.patch("/v1/long-term-memory/no-such-" + user, "{\"text\": \"x\"}"), 404, "no memory");
        assertProblem(api.get("/v1/long-term-memory/no-such-" + user), 404, "no memory");
        assertProblem(api.delete("/v1/long-term-memory"), 400, "memory_ids");
        assertProblem(api.get("/v1/long-term-memory/" + "x".repeat(257)), 400, "id");
        assertThat(api.delete("/v1/long-term-memory?memory_ids=no-such-" + user)
                        .body()
                        .get("status")
                        .asString())
                .isEqualTo("ok, deleted 0 memories");
        assertProblem(api.post("/v1/long-term-memory/forget", "{\"policy\": {}}"), 400, "policy");
        assertProblem(api.post("/v1/long-term-memory/forget", "{\"policy\": {\"budget\": -1}}"), 400, "budget");
        assertProblem(
                api.post(
                        "/v1/long-term-memory/forget",
                        "{\"policy\": {\"budget\": 1, \"memory_type_allowlist\": [\"message\"]}}"),
                400,
                "memory_type_allowlist");
        assertProblem(api.post("/v1/long-term-memory/forget?limit=0", "{\"policy\": {\"budget\": 1}}"), 400, "limit");
        assertProblem(api.post("/v1/memory/prompt", "{\"query\": \"hi\"}"), 400, "session");
        assertProblem(
                api.post("/v1/memory/prompt", "{\"query\": \"a\\u0000\", \"long_term_search\": true}"), 400, "query");
        assertProblem(
                api.post(
                        "/v1/long-term-memory/forget",
                        "{\"policy\": {\"budget\": 1, \"memory_type_allowlist\": [null]}}"),
                400,
                "memory_type_allowlist");
        assertProblem(api.post("/v1/memory/prompt", "{\"session\": {\"session_id\": \"s\"}}"), 400, "query");
        assertProblem(
                api.post("/v1/memory/prompt", "{\"query\": \"hi\", \"long_term_search\": \"yes\"}"),
                400,
                "long_term_search");
        assertProblem(
                api.post("/v1/memory/prompt", "{\"query\": \"hi\", \"long_term_search\": {\"limit\": 0}}"),
                400,
                "limit");
        assertThat(published()).isEmpty();
    }

    @Test
    void aPromptForAnUnknownSessionIsJustTheQuery() {
        var prompt = api.post(
                "/v1/memory/prompt", "{\"query\": \"hi\", \"session\": {\"session_id\": \"none-" + user + "\"}}");
        assertThat(prompt.status()).isEqualTo(200);
        assertThat(prompt.body().get("messages")).hasSize(1);
        assertThat(prompt.body().get("long_term_memories").isNull()).isTrue();
    }
}
