package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactCandidate.Operation;
import io.memstream.common.events.FactEvent.Change;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.Api;
import io.memstream.testkit.DedupProgress;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The AMS long-term routes through the whole pipeline: memories go through Kafka and dedup into
 * Postgres, and come back through search, get, patch, delete, forget and the memory prompt.
 */
class LongTermMemoryIT {

    private static final Duration APPLIED = Duration.ofSeconds(60);
    private static Api api;

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
    }

    private static void create(String user, String... texts) {
        List<String> records = new ArrayList<>();
        for (String text : texts) {
            records.add("{\"text\": \"%s\", \"user_id\": \"%s\"}".formatted(text, user));
        }
        var response = api.post("/v1/long-term-memory/", "{\"memories\": [" + String.join(",", records) + "]}");
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        assertThat(response.body().get("status").asString()).isEqualTo("ok");
    }

    private static JsonNode search(String body) {
        var response = api.post("/v1/long-term-memory/search", body);
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        return response.body();
    }

    private static JsonNode listing(String user) {
        return search("{\"user_id\": {\"eq\": \"%s\"}, \"memory_type\": {\"ne\": \"message\"}, \"limit\": 100}"
                .formatted(user));
    }

    private static List<String> texts(JsonNode results) {
        List<String> out = new ArrayList<>();
        results.get("memories").forEach(m -> out.add(m.get("text").asString()));
        return out;
    }

    private static List<FactCandidate> candidatesOf(String user) {
        return TopicProbe.values(Topics.FACT_CANDIDATES).stream()
                .filter(c -> c.factKey().userId().equals(user))
                .toList();
    }

    private static void awaitCount(String user, int count) {
        await().atMost(APPLIED)
                .untilAsserted(
                        () -> assertThat(listing(user).get("total").asInt()).isEqualTo(count));
    }

    @Test
    void theSameTextIsOneMemoryAndDeduplicateFalseKeepsBoth() {
        String user = TestInfra.uniqueId("ltm");
        create(user, "User likes dark roast coffee.", "user likes  DARK roast coffee.", "User likes green tea.");
        awaitCount(user, 2);

        String other = TestInfra.uniqueId("ltm");
        api.post("/v1/long-term-memory/", """
                {"deduplicate": false, "memories": [
                  {"id": "a-%1$s", "text": "Same words.", "user_id": "%1$s"},
                  {"id": "b-%1$s", "text": "Same words.", "user_id": "%1$s"}]}""".formatted(other));
        awaitCount(other, 2);
        var got = api.get("/v1/long-term-memory/a-" + other);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body().get("text").asString()).isEqualTo("Same words.");
        assertThat(got.body().get("memory_type").asString()).isEqualTo("semantic");
        assertThat(got.body().get("memory_hash").asString()).hasSize(64);
        assertThat(api.get("/v1/long-term-memory/nope-" + other).status()).isEqualTo(404);
    }

    @Test
    void semanticKeywordAndHybridSearchFindTheRightMemoryWithATrueTotal() {
        String user = TestInfra.uniqueId("ltm");
        create(
                user,
                "User's favourite food is sushi.",
                "User plays tennis every weekend.",
                "User works as a nurse at the city hospital.",
                "User has a dog named Biscuit.");
        awaitCount(user, 4);

        String filter = "\"user_id\": {\"eq\": \"%s\"}".formatted(user);
        JsonNode semantic = search("{\"text\": \"Which sport does the user do?\", " + filter + ", \"limit\": 1}");
        assertThat(texts(semantic)).containsExactly("User plays tennis every weekend.");
        assertThat(semantic.get("total").asInt())
                .as("every match, not the page")
                .isEqualTo(4);
        assertThat(semantic.get("next_offset").asInt()).isEqualTo(1);
        JsonNode hit = semantic.get("memories").get(0);
        assertThat(hit.get("score_type").asString()).isEqualTo("semantic");
        assertThat(hit.get("dist").asDouble()).isBetween(0.0, 1.0);
        assertThat(hit.get("score").asDouble()).isBetween(0.0, 1.0);

        JsonNode keyword = search("{\"text\": \"hospital\", \"search_mode\": \"keyword\", " + filter + "}");
        assertThat(texts(keyword)).containsExactly("User works as a nurse at the city hospital.");
        assertThat(keyword.get("total").asInt()).isEqualTo(1);
        assertThat(keyword.get("next_offset").isNull()).isTrue();

        JsonNode hybrid = search("{\"text\": \"pet dog\", \"search_mode\": \"hybrid\", " + filter + ", \"limit\": 2}");
        assertThat(texts(hybrid).getFirst()).isEqualTo("User has a dog named Biscuit.");
        assertThat(hybrid.get("memories").get(0).get("score_type").asString()).isEqualTo("hybrid");

        // Distances depend on the model, so the threshold is set just past the best hit's.
        JsonNode all =
                search("{\"text\": \"Which sport does the user do?\", " + filter + ", \"recency_boost\": false}");
        double best = all.get("memories").get(0).get("dist").asDouble();
        double threshold = best + 1e-6;
        JsonNode close = search("{\"text\": \"Which sport does the user do?\", " + filter + ", \"distance_threshold\": "
                + threshold + ", \"recency_boost\": false}");
        assertThat(texts(close))
                .contains("User plays tennis every weekend.")
                .doesNotContain("User has a dog named Biscuit.");
        close.get("memories").forEach(m -> assertThat(m.get("dist").asDouble()).isLessThanOrEqualTo(threshold));
        assertThat(close.get("total").asInt()).isEqualTo(close.get("memories").size());

        JsonNode page2 =
                search("{" + filter + ", \"memory_type\": {\"eq\": \"semantic\"}, \"limit\": 3, \"offset\": 3}");
        assertThat(page2.get("memories")).hasSize(1);
        assertThat(page2.get("total").asInt()).isEqualTo(4);
        assertThat(page2.get("next_offset").isNull()).isTrue();
        JsonNode past = search("{" + filter + ", \"memory_type\": {\"eq\": \"semantic\"}, \"offset\": 50}");
        assertThat(past.get("memories")).isEmpty();
        assertThat(past.get("total").asInt()).isEqualTo(4);
    }

    @Test
    void semanticPagesRankOnlyWhatCanReachThemAndStillReadAsOneRanking() {
        String user = TestInfra.uniqueId("ltm");
        create(
                user,
                "User plays tennis every weekend.",
                "User swims before work.",
                "User runs marathons.",
                "User climbs at the bouldering gym.",
                "User cycles to the office.",
                "User has a dog named Biscuit.",
                "User works as a nurse.",
                "User's favourite food is sushi.",
                "User lives in Porto.",
                "User collects jazz records.",
                "User is learning Japanese.",
                "User grows tomatoes.");
        awaitCount(user, 12);

        String filter = "\"text\": \"Which sports does the user do?\", \"user_id\": {\"eq\": \"%s\"}".formatted(user);
        // A page only ranks the rows that can still reach it (issue 15): pages of 3 must read as the
        // one ranking of all 12, with the boost on and off. The boost leaves out freshness here: each
        // read moves last_accessed, which would reorder near-ties between one search and the next.
        for (String boost : List.of(", \"recency_freshness_weight\": 0", ", \"recency_boost\": false")) {
            List<String> whole = texts(search("{" + filter + boost + ", \"limit\": 12}"));
            assertThat(whole).hasSize(12);
            List<String> paged = new ArrayList<>();
            for (int offset = 0; offset < 12; offset += 3) {
                JsonNode page = search("{" + filter + boost + ", \"limit\": 3, \"offset\": " + offset + "}");
                assertThat(page.get("total").asInt())
                        .as("every match, on every page")
                        .isEqualTo(12);
                paged.addAll(texts(page));
            }
            assertThat(paged).as("with%s", boost).isEqualTo(whole);
        }
    }

    @Test
    void tagFiltersMeanWhatTheySayAllIsAll() {
        String user = TestInfra.uniqueId("ltm");
        api.post("/v1/long-term-memory/", """
                {"memories": [
                  {"text": "User likes hiking in the Alps.", "user_id": "%1$s", "topics": ["travel", "outdoors"],
                   "namespace": "trips", "session_id": "s-1", "memory_type": "episodic", "event_date": "2026-07-01T00:00:00Z"},
                  {"text": "User is flying to Tokyo.", "user_id": "%1$s", "topics": ["travel"], "namespace": "trips"},
                  {"text": "User runs marathons.", "user_id": "%1$s", "topics": ["outdoors", "sport"]}]}""".formatted(user));
        awaitCount(user, 3);
        String u = "\"user_id\": {\"eq\": \"%s\"}, ".formatted(user);

        assertThat(texts(search("{" + u + "\"topics\": {\"all\": [\"travel\", \"outdoors\"]}}")))
                .containsExactly("User likes hiking in the Alps.");
        assertThat(search("{" + u + "\"topics\": {\"any\": [\"travel\", \"outdoors\"]}}")
                        .get("total")
                        .asInt())
                .isEqualTo(3);
        assertThat(texts(search("{" + u + "\"topics\": {\"ne\": \"travel\"}}")))
                .containsExactly("User runs marathons.");
        assertThat(search("{" + u + "\"namespace\": {\"eq\": \"trips\"}}")
                        .get("total")
                        .asInt())
                .isEqualTo(2);
        assertThat(search("{" + u + "\"namespace\": {\"startswith\": \"tri\"}}")
                        .get("total")
                        .asInt())
                .isEqualTo(2);
        assertThat(texts(search("{" + u + "\"session_id\": {\"eq\": \"s-1\"}}")))
                .containsExactly("User likes hiking in the Alps.");
        assertThat(texts(search("{" + u + "\"memory_type\": {\"eq\": \"episodic\"}}")))
                .containsExactly("User likes hiking in the Alps.");
        assertThat(texts(search("{" + u + "\"event_date\": {\"between\": [\"2026-06-01\", \"2026-08-01\"]}}")))
                .containsExactly("User likes hiking in the Alps.");
        assertThat(search("{" + u + "\"created_at\": {\"gt\": 0}}").get("total").asInt())
                .isEqualTo(3);
        assertThat(search("{" + u + "\"created_at\": {\"lt\": \"2000-01-01T00:00:00Z\"}}")
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void aPatchEditsThroughDedupAndADeleteRemovesTheMemory() {
        String user = TestInfra.uniqueId("ltm");
        String id = TestInfra.uniqueId("m");
        api.post("/v1/long-term-memory/", """
                {"memories": [{"id": "%s", "text": "User lives in Lisbon.", "user_id": "%s"}]}""".formatted(id, user));
        awaitCount(user, 1);

        var patched = api.patch("/v1/long-term-memory/" + id, "{\"text\": \"User lives in Porto.\", \"pinned\": true}");
        assertThat(patched.status()).as(patched.body().toString()).isEqualTo(200);
        assertThat(patched.body().get("text").asString()).isEqualTo("User lives in Porto.");
        assertThat(patched.body().get("pinned").asBoolean()).isTrue();
        await().atMost(APPLIED).untilAsserted(() -> {
            JsonNode got = api.get("/v1/long-term-memory/" + id).body();
            assertThat(got.get("text").asString()).isEqualTo("User lives in Porto.");
            assertThat(got.get("pinned").asBoolean()).isTrue();
        });
        JsonNode found = search(
                "{\"text\": \"Porto\", \"search_mode\": \"keyword\", \"user_id\": {\"eq\": \"%s\"}}".formatted(user));
        assertThat(texts(found)).containsExactly("User lives in Porto.");
        JsonNode pastTheEnd = search(
                "{\"text\": \"Porto\", \"search_mode\": \"keyword\", \"offset\": 5, \"user_id\": {\"eq\": \"%s\"}}"
                        .formatted(user));
        assertThat(pastTheEnd.get("total").asInt())
                .as("a page past the end still counts every match")
                .isEqualTo(1);

        // The edit took the memory to the key of its new text: the old text is free to be stored again.
        create(user, "User lives in Lisbon.");
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(texts(listing(user)))
                        .containsExactlyInAnyOrder("User lives in Porto.", "User lives in Lisbon."));
        String lisbon = listing(user).findValues("id").stream()
                .map(JsonNode::asString)
                .filter(m -> !m.equals(id))
                .findFirst()
                .orElseThrow();
        api.delete("/v1/long-term-memory?memory_ids=" + lisbon);
        awaitCount(user, 1);

        // Moving it to another namespace keeps its id.
        api.patch("/v1/long-term-memory/" + id, "{\"namespace\": \"home\"}");
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(api.get("/v1/long-term-memory/" + id)
                                .body()
                                .get("namespace")
                                .asString())
                        .isEqualTo("home"));
        awaitCount(user, 1);

        var deleted = api.delete("/v1/long-term-memory?memory_ids=" + id + "&memory_ids=unknown-" + id);
        assertThat(deleted.body().get("status").asString()).isEqualTo("ok, deleted 1 memories");
        await().atMost(APPLIED)
                .untilAsserted(
                        () -> assertThat(api.get("/v1/long-term-memory/" + id).status())
                                .isEqualTo(404));
        awaitCount(user, 0);

        // Deleted, then created again with the same id and text: it comes back.
        String again = TestInfra.uniqueId("m");
        String create = "{\"memories\": [{\"id\": \"%s\", \"text\": \"%s\", \"user_id\": \"%s\"}]}";
        api.post("/v1/long-term-memory/", create.formatted(again, "User lives in Faro.", user));
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(
                                api.get("/v1/long-term-memory/" + again).status())
                        .isEqualTo(200));
        api.delete("/v1/long-term-memory?memory_ids=" + again);
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(
                                api.get("/v1/long-term-memory/" + again).status())
                        .isEqualTo(404));
        api.post("/v1/long-term-memory/", create.formatted(again, "User lives in Faro.", user));
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(
                                api.get("/v1/long-term-memory/" + again).status())
                        .isEqualTo(200));
        // Created with an id that exists and other text: an edit of that memory, not a second one.
        api.post("/v1/long-term-memory/", create.formatted(again, "User lives in Braga.", user));
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(texts(listing(user))).containsExactly("User lives in Braga."));
        assertThat(api.get("/v1/long-term-memory/" + again).body().get("text").asString())
                .isEqualTo("User lives in Braga.");
        // Created with that id in another namespace: the memory moves there (in AMS the id is the
        // memory's key), rather than the user holding one id twice.
        api.post("/v1/long-term-memory/", """
                {"memories": [{"id": "%s", "text": "User lives in Braga.", "user_id": "%s", "namespace": "trips"}]}""".formatted(again, user));
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(listing(user).get("memories"))
                        .extracting(m -> m.get("namespace").asString())
                        .containsExactly("trips"));
        assertThat(api.get("/v1/long-term-memory/" + again).status()).isEqualTo(200);
    }

    @Test
    void aMemoryDatedDecadesAgoDoesNotBreakTheRecencyBoost() {
        String user = TestInfra.uniqueId("ltm");
        api.post("/v1/long-term-memory/", """
                {"memories": [{"text": "User was born in 1950.", "user_id": "%s", "created_at": 0}]}""".formatted(user));
        awaitCount(user, 1);
        JsonNode hits = search("{\"text\": \"birth year\", \"user_id\": {\"eq\": \"%s\"}}".formatted(user));
        assertThat(texts(hits)).containsExactly("User was born in 1950.");
    }

    @Test
    void aDeletedLearnedFactComesBackOnlyFromANewTurn() {
        String user = TestInfra.uniqueId("ltm");
        String say =
                "{\"session_id\": \"%s\", \"user_id\": \"%s\", \"role\": \"user\", \"content\": \"I work at Initech.\"}";
        api.post("/v1/turns", say.formatted(TestInfra.uniqueId("s"), user));
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(texts(listing(user))).anyMatch(t -> t.contains("Initech")));
        String id = listing(user).get("memories").get(0).get("id").asString();

        api.delete("/v1/long-term-memory?memory_ids=" + id);
        awaitCount(user, 0);

        api.post("/v1/turns", say.formatted(TestInfra.uniqueId("s"), user));
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(texts(listing(user))).anyMatch(t -> t.contains("Initech")));
    }

    @Test
    void forgetIsADryRunByDefaultKeepsPinnedOnesAndScansEverything() {
        String user = TestInfra.uniqueId("ltm");
        String keep = TestInfra.uniqueId("keep");
        api.post("/v1/long-term-memory/", """
                {"memories": [
                  {"text": "User likes jazz.", "user_id": "%1$s"},
                  {"text": "User likes chess.", "user_id": "%1$s"},
                  {"id": "%2$s", "text": "User is allergic to peanuts.", "user_id": "%1$s", "pinned": true}]}""".formatted(user, keep));
        awaitCount(user, 3);

        String policy = "{\"policy\": {\"budget\": 1}}";
        var dry = api.post("/v1/long-term-memory/forget?user_id=" + user, policy);
        assertThat(dry.status()).as(dry.body().toString()).isEqualTo(200);
        assertThat(dry.body().get("dry_run").asBoolean()).isTrue();
        assertThat(dry.body().get("scanned").asInt()).isEqualTo(3);
        assertThat(dry.body().get("deleted").asInt()).isEqualTo(1);
        assertThat(dry.body().get("deleted_ids").toString()).doesNotContain(keep);
        // The API publishes its deletions before it answers: a dry run published none.
        assertThat(candidatesOf(user)).noneMatch(c -> c.operation() == Operation.DELETE);
        assertThat(listing(user).get("total").asInt()).isEqualTo(3);

        var real = api.post("/v1/long-term-memory/forget?dry_run=false&user_id=" + user, policy);
        assertThat(real.body().get("deleted").asInt()).isEqualTo(1);
        awaitCount(user, 2);
        assertThat(api.get("/v1/long-term-memory/" + keep).status()).isEqualTo(200);
    }

    @Test
    void conversationTurnsAreSearchableAsMessages() {
        String user = TestInfra.uniqueId("ltm");
        api.post("/v1/turns", """
                {"session_id": "%s", "user_id": "%s", "role": "user", "content": "My sister Ana is visiting from Madrid next week."}""".formatted(TestInfra.uniqueId("s"), user));
        String body =
                "{\"text\": \"family visit\", \"user_id\": {\"eq\": \"%s\"}, \"memory_type\": {\"eq\": \"message\"}}"
                        .formatted(user);
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(texts(search(body)))
                        .containsExactly("My sister Ana is visiting from Madrid next week."));
    }

    private static void say(String user, String session, String id, String content, String at) {
        var accepted = api.post("/v1/turns", """
                {"id": "%s", "session_id": "%s", "user_id": "%s", "role": "user", "content": "%s", "created_at": "%s"}""".formatted(id, session, user, content, at));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
    }

    @Test
    void aTurnIsFoundByItsContextAndItsNeighboursComeBackAfterItWhenAsked() {
        String user = TestInfra.uniqueId("ltm");
        String session = TestInfra.uniqueId("s");
        say(user, session, "t1", "What did your aunt give you for your birthday?", "2026-05-04T10:00:00Z");
        say(user, session, "t2", "A bicycle, a red one.", "2026-05-04T10:00:10Z");
        say(user, session, "t3", "It has a blue bell though.", "2026-05-04T10:00:20Z");
        String messages = "\"user_id\": {\"eq\": \"%s\"}, \"memory_type\": {\"eq\": \"message\"}".formatted(user);

        // t2 does not say "aunt", but the turn before it does: it is indexed with it.
        await().atMost(APPLIED)
                .untilAsserted(() -> assertThat(texts(
                                search("{\"text\": \"bicycle aunt\", \"search_mode\": \"keyword\", " + messages + "}")))
                        .first()
                        .isEqualTo("A bicycle, a red one."));
        JsonNode alone = search("{\"text\": \"bell\", \"search_mode\": \"keyword\", " + messages + "}");
        assertThat(texts(alone)).containsExactly("It has a blue bell though.");
        JsonNode expanded = search(
                "{\"text\": \"bell\", \"search_mode\": \"keyword\", \"expand_neighbours\": 1, " + messages + "}");
        assertThat(texts(expanded)).containsExactly("It has a blue bell though.", "A bicycle, a red one.");
        JsonNode capped = search("{\"text\": \"bicycle aunt birthday\", \"search_mode\": \"keyword\","
                + " \"expand_neighbours\": 2, \"limit\": 2, " + messages + "}");
        assertThat(capped.get("memories"))
                .as("neighbours never exceed the limit")
                .hasSize(2);

        var refused = api.post("/v1/long-term-memory/search", "{\"text\": \"bell\", \"expand_neighbours\": 6}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().toString()).contains("expand_neighbours");
    }

    @Test
    void aLearnedFactRanksAboveTheTurnItWasLearnedFrom() {
        String user = TestInfra.uniqueId("ltm");
        String session = TestInfra.uniqueId("s");
        say(user, session, "job", "Since March I work at Globex.", "2026-05-04T10:00:00Z");
        String filter = "\"user_id\": {\"eq\": \"%s\"}".formatted(user);
        await().atMost(APPLIED)
                .untilAsserted(
                        () -> assertThat(search("{" + filter + "}").get("total").asInt())
                                .isEqualTo(2));

        for (String mode : List.of("semantic", "keyword", "hybrid")) {
            JsonNode hits = search("{\"text\": \"Where does the user work? Globex\", \"search_mode\": \"" + mode
                    + "\", \"recency_boost\": false, " + filter + "}");
            JsonNode first = hits.get("memories").get(0);
            assertThat(first.get("text").asString()).as(mode).isEqualTo("User works at Globex.");
            assertThat(first.get("extracted_from").get(0).asString()).isEqualTo("job");
            assertThat(hits.get("memories").get(1).get("memory_type").asString())
                    .isEqualTo("message");
        }
    }

    @Test
    void workingMemoryMemoriesArePromotedOnceAndTheMemoryPromptAssemblesEverything() {
        String user = TestInfra.uniqueId("ltm");
        String session = TestInfra.uniqueId("s");
        String put = """
                {"user_id": "%s", "context": "They talked about holidays.",
                 "messages": [{"id": "%s", "role": "user", "content": "Where should I go in spring?"}],
                 "memories": [{"text": "User prefers beach holidays."}]}""".formatted(user, TestInfra.uniqueId("msg"));
        assertThat(api.put("/v1/working-memory/" + session, put).status()).isEqualTo(200);
        assertThat(api.put("/v1/working-memory/" + session, put).status()).isEqualTo(200);
        awaitCount(user, 1);
        JsonNode promoted = listing(user).get("memories").get(0);
        assertThat(promoted.get("session_id").asString()).isEqualTo(session);

        var prompt = api.post("/v1/memory/prompt", """
                {"query": "Plan a trip for me.", "session": {"session_id": "%s", "user_id": "%s"},
                 "long_term_search": true}""".formatted(session, user));
        assertThat(prompt.status()).as(prompt.body().toString()).isEqualTo(200);
        List<String> roles = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        prompt.body().get("messages").forEach(m -> {
            roles.add(m.get("role").asString());
            assertThat(m.get("content").get("type").asString()).isEqualTo("text");
            contents.add(m.get("content").get("text").asString());
        });
        assertThat(roles).containsExactly("system", "user", "system", "user");
        assertThat(contents.get(0)).isEqualTo("## A summary of the conversation so far:\nThey talked about holidays.");
        assertThat(contents.get(1)).isEqualTo("Where should I go in spring?");
        assertThat(contents.get(2)).contains("User prefers beach holidays.");
        assertThat(contents.get(3)).isEqualTo("Plan a trip for me.");
        assertThat(prompt.body().get("long_term_memories")).hasSize(1);
    }

    @Test
    void withASimilarityThresholdAParaphraseIsMergedIntoTheExistingMemory() {
        try (ConfigurableApplicationContext similar =
                Pipeline.extraApi(Map.of("memstream.long-term.similarity-threshold", "0.85"))) {
            Api strict =
                    new Api("http://127.0.0.1:" + similar.getEnvironment().getRequiredProperty("local.server.port"));
            String user = TestInfra.uniqueId("ltm");
            String one = "{\"memories\": [{\"text\": \"%s\", \"user_id\": \"%s\"}]}";
            strict.post("/v1/long-term-memory/", one.formatted("The user loves dark roast coffee.", user));
            awaitCount(user, 1);
            strict.post("/v1/long-term-memory/", one.formatted("User really loves dark-roast coffee!", user));
            strict.post("/v1/long-term-memory/", one.formatted("User owns a red bicycle.", user));
            // Every change dedup makes is on the changelog once it has merged the candidates: two
            // memories were created, the paraphrase made none of its own.
            DedupProgress.awaitMerged(Pipeline.dedupApplicationId(), APPLIED);
            assertThat(TopicProbe.values(Topics.FACT_CHANGELOG).stream()
                            .filter(e -> e.factKey().userId().equals(user) && e.change() == Change.CREATED))
                    .hasSize(2);
            awaitCount(user, 2);
            assertThat(texts(listing(user)))
                    .containsExactlyInAnyOrder("The user loves dark roast coffee.", "User owns a red bicycle.");
        }
    }
}
