package io.memstream.ingest.workingmemory;

import static io.memstream.testkit.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.memstream.common.events.SessionSummary;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.ingest.RunningIngestApi;
import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TestRedis;
import io.memstream.testkit.TopicProbe;
import io.memstream.testkit.TopicWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The AMS working-memory routes on real Redis and Kafka. */
@TestPropertySource(
        properties = {
            "memstream.auth.enabled=false",
            "memstream.working-memory.max-messages=50",
            "memstream.working-memory.sliding-ttl=true"
        })
class WorkingMemoryIT extends RunningIngestApi {

    private static final RedisClient REDIS = RedisClient.create(TestRedis.URL);

    @AfterAll
    static void closeRedis() {
        REDIS.shutdown();
    }

    String session;
    String user;

    @BeforeEach
    void setUp() {
        session = TestInfra.uniqueId("s");
        user = TestInfra.uniqueId("u");
    }

    /** Message ids are unique per tenant, across runs too: each test prefixes its own with its session. */
    private String message(String id, String role, String content) {
        return """
                {"id": "%s", "role": "%s", "content": "%s"}""".formatted(session + "." + id, role, content);
    }

    private String local(String id) {
        return id.substring(session.length() + 1);
    }

    private String body(String... messages) {
        return """
                {"messages": [%s], "user_id": "%s"}""".formatted(String.join(",", messages), user);
    }

    private Api.Response get(String query) {
        return api.get("/v1/working-memory/" + session + "?user_id=" + user + query);
    }

    private List<String> publishedIds() {
        return TopicProbe.values(Topics.TURNS).stream()
                .filter(t -> t.sessionId().equals(session))
                .map(t -> local(t.turnId()))
                .toList();
    }

    private List<String> ids(JsonNode response) {
        List<String> ids = new ArrayList<>();
        response.get("messages").forEach(m -> ids.add(local(m.get("id").asString())));
        return ids;
    }

    @Test
    void everyFieldRoundTripsInTheAmsWireFormat() {
        Api.Response put = api.put("/v1/working-memory/" + session, """
                {"messages": [{"id": "%1$s.m1", "role": "user", "content": "I live in Oslo", "created_at": "2026-01-01T10:00:00Z"},
                              {"id": "%1$s.m2", "role": "assistant", "content": "Noted!", "created_at": 1767261660}],
                 "memories": [{"id": "mem1", "text": "User lives in Oslo", "memory_type": "semantic"}],
                 "data": {"theme": "dark", "count": 3}, "context": "Earlier: greetings.",
                 "user_id": "%2$s", "namespace": "travel", "tokens": 42, "ttl_seconds": 3600,
                 "long_term_memory_strategy": {"strategy": "discrete", "config": {}},
                 "field_from_a_newer_client": true}
                """.formatted(session, user));
        assertThat(put.status()).isEqualTo(200);

        Api.Response got = api.get("/v1/working-memory/" + session + "?user_id=" + user + "&namespace=travel");

        assertThat(got.status()).isEqualTo(200);
        JsonNode wm = got.body();
        assertThat(wm.get("session_id").asString()).isEqualTo(session);
        assertThat(ids(wm)).containsExactly("m1", "m2");
        assertThat(wm.get("messages").get(0).get("created_at").asString()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(wm.get("messages").get(1).get("created_at").asString()).isEqualTo("2026-01-01T10:01:00Z");
        assertThat(wm.get("memories").get(0).get("text").asString()).isEqualTo("User lives in Oslo");
        assertThat(wm.get("data").get("theme").asString()).isEqualTo("dark");
        assertThat(wm.get("data").get("count").asInt()).isEqualTo(3);
        assertThat(wm.get("context").asString()).isEqualTo("Earlier: greetings.");
        assertThat(wm.get("user_id").asString()).isEqualTo(user);
        assertThat(wm.get("namespace").asString()).isEqualTo("travel");
        assertThat(wm.get("tokens").asInt()).isEqualTo(42);
        assertThat(wm.get("ttl_seconds").asLong()).isEqualTo(3600);
        assertThat(wm.get("long_term_memory_strategy").get("strategy").asString())
                .isEqualTo("discrete");
        assertThat(wm.get("context_percentage_total_used").isNull()).isTrue();
        assertThat(wm.get("created_at").asString()).isNotBlank();
    }

    @Test
    void anUnknownSessionIsA404Problem() {
        Api.Response response = get("");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("detail").asString()).contains(session);
    }

    @Test
    void eachMessageIsPublishedOnceWhenItFirstReachesWorkingMemory() {
        api.put(
                "/v1/working-memory/" + session,
                body(message("a1", "user", "hi"), message("a2", "assistant", "hello")));
        assertThat(publishedIds()).containsExactly("a1", "a2");

        api.put(
                "/v1/working-memory/" + session,
                body(message("a1", "user", "hi"), message("a2", "assistant", "hello")));
        api.put(
                "/v1/working-memory/" + session,
                body(
                        message("a1", "user", "hi"),
                        message("a2", "assistant", "hello"),
                        message("a3", "user", "I'm vegan")));

        assertThat(publishedIds()).containsExactly("a1", "a2", "a3");
        Turn turn = TopicProbe.values(Topics.TURNS).stream()
                .filter(t -> t.turnId().equals(session + ".a3"))
                .findFirst()
                .orElseThrow();
        assertThat(turn.userId()).isEqualTo(user);
        assertThat(turn.namespace()).isEqualTo("default");
        assertThat(turn.tenantId()).isEqualTo("default");
        assertThat(turn.content()).isEqualTo("I'm vegan");
    }

    @Test
    void concurrentWritersLoseNoMessage() throws Exception {
        // Each writer PUTs a session state that lacks every other writer's messages, as racing
        // clients with stale copies do.
        int writers = 8;
        int perWriter = 5;
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<CompletableFuture<Integer>> puts = IntStream.range(0, writers)
                    .mapToObj(w -> CompletableFuture.supplyAsync(
                            () -> {
                                int worst = 200;
                                for (int i = 0; i < perWriter; i++) {
                                    List<String> mine = new ArrayList<>();
                                    for (int j = 0; j <= i; j++) {
                                        mine.add(
                                                message("w" + w + "-" + j, "user", "message " + j + " of writer " + w));
                                    }
                                    int status = api.put(
                                                    "/v1/working-memory/" + session, body(mine.toArray(String[]::new)))
                                            .status();
                                    worst = Math.max(worst, status);
                                }
                                return worst;
                            },
                            pool))
                    .toList();
            for (CompletableFuture<Integer> put : puts) {
                assertThat(put.get()).isEqualTo(200);
            }
        }

        List<String> stored = ids(get("").body());
        assertThat(stored).hasSize(writers * perWriter).doesNotHaveDuplicates();
        assertThat(publishedIds()).hasSize(writers * perWriter).doesNotHaveDuplicates();
    }

    @Test
    void appendAddsMessagesAndKeepsEverythingElse() {
        api.put("/v1/working-memory/" + session, """
                {"messages": [%s], "user_id": "%s", "data": {"k": "v"}, "context": "summary"}""".formatted(message("p1", "user", "first"), user));

        Api.Response appended = api.post(
                "/v1/working-memory/" + session + "/messages", """
                {"messages": [%s], "user_id": "%s"}""".formatted(message("p2", "user", "second"), user));

        assertThat(appended.status()).isEqualTo(200);
        assertThat(ids(appended.body())).containsExactly("p1", "p2");
        assertThat(appended.body().get("data").get("k").asString()).isEqualTo("v");
        assertThat(appended.body().get("context").asString()).isEqualTo("summary");
    }

    @Test
    void aContextWindowTrimsToTheNewestMessagesThatFitAndReportsUsage() {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // "word" repeated: 20 tokens of content plus 4 of framing, 24 per message.
            messages.add(message("c" + i, "user", "word ".repeat(20).strip()));
        }
        api.put("/v1/working-memory/" + session, body(messages.toArray(String[]::new)));

        JsonNode trimmed = get("&context_window_max=100").body();

        assertThat(ids(trimmed)).containsExactly("c6", "c7", "c8", "c9");
        assertThat(trimmed.get("context_percentage_total_used").asDouble()).isEqualTo(100.0);
        JsonNode roomy = get("&context_window_max=1000").body();
        assertThat(ids(roomy)).hasSize(10);
        assertThat(roomy.get("context_percentage_total_used").asDouble()).isEqualTo(24.0);
        assertThat(roomy.get("context_percentage_until_summarization").asDouble())
                .isEqualTo(34.29);
        assertThat(get("&model_name=gpt-4o")
                        .body()
                        .get("context_percentage_total_used")
                        .asDouble())
                .isEqualTo(0.19);
    }

    @Test
    void recentMessagesLimitKeepsTheLastN() {
        api.put(
                "/v1/working-memory/" + session,
                body(message("r1", "user", "1"), message("r2", "user", "2"), message("r3", "user", "3")));

        assertThat(ids(get("&recent_messages_limit=2").body())).containsExactly("r2", "r3");
    }

    @Test
    void historyIsBoundedToTheNewestMessages() {
        List<String> messages = new ArrayList<>();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 60; i++) {
            messages.add("""
                    {"id": "%s.h%02d", "role": "user", "content": "m", "created_at": "%s"}""".formatted(session, i, t0.plusSeconds(i)));
        }
        api.put("/v1/working-memory/" + session, body(messages.toArray(String[]::new)));

        List<String> kept = ids(get("").body());
        assertThat(kept).hasSize(50);
        assertThat(kept.getFirst()).isEqualTo("h10");
        assertThat(kept.getLast()).isEqualTo("h59");
    }

    @Test
    void aSessionExpiresAfterItsTtl() {
        api.put("/v1/working-memory/" + session, """
                {"messages": [{"role": "user", "content": "hello"}], "user_id": "%s", "ttl_seconds": 3600}""".formatted(user));
        assertThat(get("").status()).isEqualTo(200);

        SessionRef ref = new SessionRef("default", "default", user, session);
        try (StatefulRedisConnection<String, String> redis = REDIS.connect()) {
            // Every key of the session carries the TTL (a read may have restarted it, never raised it).
            for (String part : List.of("meta", "msgs", "order")) {
                assertThat(redis.sync().ttl(ref.key(part))).as(part).isBetween(3000L, 3600L);
            }
            // Then the TTL runs out (shortened here rather than waited for, so no deadline races the
            // test's own reads): the session is gone.
            for (String key : ref.keys()) {
                redis.sync().pexpire(key, 1);
            }
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(
                            () -> assertThat(redis.sync().exists(ref.keys())).isZero());
        }
        assertThat(get("").status()).isEqualTo(404);
    }

    @Test
    void readingASessionRestartsItsTtlWhenSlidingIsOn() {
        api.put("/v1/working-memory/" + session, """
                {"messages": [], "user_id": "%s", "ttl_seconds": 1000}""".formatted(user));
        String metaKey = new SessionRef("default", "default", user, session).key("meta");
        try (StatefulRedisConnection<String, String> redis = REDIS.connect()) {
            redis.sync().expire(metaKey, 5);

            assertThat(get("").status()).isEqualTo(200);

            assertThat(redis.sync().ttl(metaKey)).isGreaterThan(900);
        }
    }

    @Test
    void listingFiltersPagesAndCountsTruly() {
        String namespace = TestInfra.uniqueId("ns");
        String other = TestInfra.uniqueId("u");
        for (int i = 0; i < 3; i++) {
            api.put("/v1/working-memory/mine-" + i + "-" + session, """
                    {"messages": [], "user_id": "%s", "namespace": "%s"}""".formatted(user, namespace));
        }
        api.put("/v1/working-memory/theirs-" + session, """
                {"messages": [], "user_id": "%s", "namespace": "%s"}""".formatted(other, namespace));

        JsonNode mine = api.get("/v1/working-memory/?namespace=" + namespace + "&user_id=" + user + "&limit=2")
                .body();
        assertThat(mine.get("total").asLong()).isEqualTo(3);
        assertThat(mine.get("sessions")).hasSize(2);
        JsonNode rest = api.get("/v1/working-memory/?namespace=" + namespace + "&user_id=" + user + "&limit=2&offset=2")
                .body();
        assertThat(rest.get("sessions")).hasSize(1);
        assertThat(api.get("/v1/working-memory/?namespace=" + namespace)
                        .body()
                        .get("total")
                        .asLong())
                .isEqualTo(4);
        assertThat(api.get("/v1/working-memory/?user_id=" + other)
                        .body()
                        .get("sessions")
                        .get(0)
                        .asString())
                .isEqualTo("theirs-" + session);
    }

    @Test
    void deleteRemovesTheSessionAndItsListing() {
        api.put("/v1/working-memory/" + session, body(message("d1", "user", "bye")));

        Api.Response deleted = api.delete("/v1/working-memory/" + session + "?user_id=" + user);

        assertThat(deleted.body().get("status").asString()).isEqualTo("ok");
        assertThat(get("").status()).isEqualTo(404);
        assertThat(api.get("/v1/working-memory/?user_id=" + user)
                        .body()
                        .get("total")
                        .asLong())
                .isZero();
    }

    @Test
    void badInputIsA400NamingTheField() {
        assertProblem(
                api.put("/v1/working-memory/" + session, body(message("e1", "user", ""))), 400, "messages[0].content");
        assertProblem(
                api.put("/v1/working-memory/" + session, body(message("e2", "robot", "x"))), 400, "messages[0].role");
        assertProblem(
                api.put("/v1/working-memory/" + session, body("""
                                {"role": "user", "content": "x", "created_at": "%s"}""".formatted(
                                Instant.now().plusSeconds(3600)))),
                400,
                "messages[0].created_at");
        assertProblem(api.put("/v1/working-memory/" + session, "{\"messages\": ["), 400, "malformed JSON");
        assertProblem(api.get("/v1/working-memory/?limit=0"), 400, "limit");
        assertProblem(api.get("/v1/working-memory/?limit=101"), 400, "limit");
        assertProblem(get("&model_name=gpt-unknown"), 400, "model_name");
        assertProblem(api.get("/v1/working-memory/" + "s".repeat(257)), 400, "session_id");
        assertProblem(api.get("/v1/working-memory/bad%20id"), 400, "path");
        // Nothing of the rejected requests was stored.
        assertThat(get("").status()).isEqualTo(404);
    }

    private String generation() {
        try (StatefulRedisConnection<String, String> redis = REDIS.connect()) {
            return redis.sync().get(new SessionRef("default", "default", user, session).key("gen"));
        }
    }

    private void summarize(String generation, String summary, String... foldedLocalIds) {
        SessionSummary event = new SessionSummary(
                "default",
                "default",
                user,
                session,
                generation,
                summary,
                java.util.Arrays.stream(foldedLocalIds)
                        .map(id -> session + "." + id)
                        .toList(),
                "test",
                Instant.now());
        TopicWriter.send(Topics.SESSION_SUMMARIES, event.sessionKey(), event);
    }

    @Test
    void aSummaryReplacesWhatItFoldedAndAClientReplayingItsCopyCannotUndoIt() {
        String all = body(message("f1", "user", "one"), message("f2", "user", "two"), message("f3", "user", "three"));
        api.put("/v1/working-memory/" + session, all);

        summarize(generation(), "User said one and two.", "f1", "f2");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ids(get("").body())).containsExactly("f3"));
        assertThat(get("").body().get("context").asString()).isEqualTo("User said one and two.");

        // A client that read the session before the summary landed sends its stale copy back.
        Api.Response replay = api.put("/v1/working-memory/" + session, """
                {"messages": [%s, %s, %s, %s], "user_id": "%s", "context": null}""".formatted(
                        message("f1", "user", "one"),
                        message("f2", "user", "two"),
                        message("f3", "user", "three"),
                        message("f4", "user", "four"),
                        user));

        assertThat(replay.status()).isEqualTo(200);
        assertThat(ids(replay.body())).containsExactly("f3", "f4");
        assertThat(replay.body().get("context").asString()).isEqualTo("User said one and two.");
        assertThat(publishedIds()).containsExactly("f1", "f2", "f3", "f4");
    }

    @Test
    void aStaleSummaryCannotOverwriteASummaryThatReplacedIt() {
        api.put(
                "/v1/working-memory/" + session,
                body(message("g1", "user", "one"), message("g2", "user", "two"), message("g3", "user", "three")));
        summarize(generation(), "first summary", "g1");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ids(get("").body())).containsExactly("g2", "g3"));
        summarize(generation(), "second summary", "g2");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ids(get("").body())).containsExactly("g3"));

        // The client had read "first summary" and writes it back with a new message.
        api.put("/v1/working-memory/" + session, """
                {"messages": [%s], "user_id": "%s", "context": "first summary"}""".formatted(message("g4", "user", "four"), user));

        assertThat(get("").body().get("context").asString()).isEqualTo("second summary");
    }

    @Test
    void aSummaryMadeBeforeADeleteDoesNotLandInTheNewSession() {
        api.put("/v1/working-memory/" + session, body(message("h1", "user", "old"), message("h2", "user", "old too")));
        String before = generation();
        api.delete("/v1/working-memory/" + session + "?user_id=" + user);
        api.put("/v1/working-memory/" + session, body(message("n1", "user", "new"), message("n2", "user", "new too")));

        summarize(before, "summary of the deleted conversation", "h1");
        summarize(generation(), "summary of the new one", "n1");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ids(get("").body())).containsExactly("n2"));
        assertThat(get("").body().get("context").asString()).isEqualTo("summary of the new one");
    }

    @Test
    void appendLeavesTheStoredFieldsAndTheTtlAlone() {
        api.put("/v1/working-memory/" + session, """
                {"messages": [], "user_id": "%s", "ttl_seconds": 1000, "data": {"k": "v"}}""".formatted(user));
        String metaKey = new SessionRef("default", "default", user, session).key("meta");
        try (StatefulRedisConnection<String, String> redis = REDIS.connect()) {
            redis.sync().expire(metaKey, 500);

            api.post("/v1/working-memory/" + session + "/messages", """
                    {"messages": [%s], "user_id": "%s"}""".formatted(message("t1", "user", "hi"), user));

            assertThat(redis.sync().ttl(metaKey)).isBetween(1L, 500L);
            String msgsKey = new SessionRef("default", "default", user, session).key("msgs");
            assertThat(redis.sync().ttl(msgsKey)).isBetween(1L, 500L);
        }
        assertThat(get("").body().get("data").get("k").asString()).isEqualTo("v");
        assertThat(get("").body().get("ttl_seconds").asLong()).isEqualTo(1000);
    }

    @Test
    void anIdAlreadyUsedByAnotherSessionIsA409AndNothingIsStored() {
        api.put("/v1/working-memory/" + session, body(message("x1", "user", "mine")));
        String otherSession = TestInfra.uniqueId("s");

        Api.Response reuse = api.put("/v1/working-memory/" + otherSession, """
                {"messages": [{"id": "%s.x1", "role": "user", "content": "theirs"}], "user_id": "%s"}""".formatted(session, user));

        assertThat(reuse.status()).isEqualTo(409);
        assertThat(reuse.contentType()).startsWith("application/problem+json");
        assertThat(reuse.body().get("detail").asString()).contains(session + ".x1");
        assertThat(api.get("/v1/working-memory/" + otherSession + "?user_id=" + user)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void messagesWithoutTimestampsKeepTheOrderTheyWereSentIn() {
        api.put(
                "/v1/working-memory/" + session,
                body(
                        message("m10", "user", "first"),
                        message("m9", "user", "second"),
                        message("m11", "user", "third")));

        assertThat(ids(get("").body())).containsExactly("m10", "m9", "m11");
    }

    @Test
    void aPutOfThousandsOfMessagesKeepsTheNewestWithinTheBound() {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 9_001; i++) {
            messages.add(message("big" + i, "user", "m"));
        }

        Api.Response put = api.put("/v1/working-memory/" + session, body(messages.toArray(String[]::new)));

        assertThat(put.status()).isEqualTo(200);
        List<String> kept = ids(get("").body());
        assertThat(kept).hasSize(50);
        assertThat(kept.getLast()).isEqualTo("big9000");
    }
}
