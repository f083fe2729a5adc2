package io.memstream.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.memstream.common.topics.Topics;
import io.memstream.ingest.RunningIngestApi;
import io.memstream.ingest.tenancy.ApiKeys;
import io.memstream.testkit.Api;
import io.memstream.testkit.RawHttp;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Each finding of the hostile-input sweep (issue 13), sent as the attacker sent it: every answer is
 * a 4xx problem naming what is wrong (or a 2xx for what is fine), nothing bad is published, and no
 * client's mistake is logged as an error of ours.
 */
@TestPropertySource(properties = {"memstream.auth.enabled=true"})
class HostileInputIT extends RunningIngestApi {

    private static final List<String> INTERNALS = List.of("java.", "tools.jackson", "io.memstream", "`", "Exception");

    @Autowired
    ApiKeys keys;

    private Api client;
    private String key;
    private String tenant;
    private String user;
    private String session;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void setUp() {
        tenant = TestInfra.uniqueId("hostile");
        key = keys.create(tenant, null, "test");
        client = api.withKey(key);
        user = TestInfra.uniqueId("u");
        session = TestInfra.uniqueId("s");
        logged.start();
        root().addAppender(logged);
    }

    @AfterEach
    void noClientMistakeIsLoggedAsAnError() {
        root().detachAppender(logged);
        assertThat(logged.list)
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** A 400 problem whose detail (or field errors) name the field, and that names nothing internal. */
    private static void refused(Api.Response response, String field) {
        assertThat(response.status()).as(response.body().toString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().toString()).contains(field);
        String detail = response.body().get("detail").asString();
        assertThat(INTERNALS).noneMatch(detail::contains);
    }

    private static void refusedRaw(RawHttp.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isBetween(400, 431);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContain("<html").doesNotContain("Exception");
    }

    /** Exactly a 400: a 404 would mean the path reached a route, which is what the guard prevents. */
    private static void refusedRaw400(RawHttp.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        refusedRaw(answer);
    }

    private String turn(String content) {
        return """
                {"session_id": "%s", "user_id": "%s", "role": "user", "content": "%s"}""".formatted(session, user, content);
    }

    private long turnsOfThisTest() {
        return TopicProbe.values(Topics.TURNS).stream()
                .filter(t -> tenant.equals(t.tenantId()))
                .count();
    }

    @Test
    void textBlankToTheModelNulsAndLoneSurrogatesAreRefusedAtEveryEntry() {
        for (String content : List.of("\\ufeff", "\\u200b", "\\u2060", "\\u202e", "\\u00a0", " \\u200b\\ufeff ")) {
            refused(client.post("/v1/turns", turn(content)), "content");
            refused(client.put("/v1/working-memory/" + session, """
                            {"user_id": "%s", "messages": [{"role": "user", "content": "%s"}]}""".formatted(user, content)), "messages[0].content");
            refused(
                    client.post("/v1/long-term-memory/", "{\"memories\": [{\"text\": \"%s\"}]}".formatted(content)),
                    "memories[0].text");
            refused(client.patch("/v1/long-term-memory/any-id", "{\"text\": \"%s\"}".formatted(content)), "text");
            refused(
                    client.put(
                            "/v1/users/" + user + "/facts/diet",
                            "{\"value\": \"vegan\", \"text\": \"%s\"}".formatted(content)),
                    "text");
        }
        for (String content : List.of("a\\u0000b", "a\\ud800b", "\\udc00")) {
            refused(client.post("/v1/turns", turn(content)), "content");
            refused(
                    client.post(
                            "/v1/long-term-memory/",
                            "{\"memories\": [{\"text\": \"x\", \"topics\": [\"%s\"]}]}".formatted(content)),
                    "topics");
            refused(
                    client.put("/v1/users/" + user + "/facts/diet", "{\"value\": {\"k\": \"%s\"}}".formatted(content)),
                    "value");
        }
        // A query with nothing visible to search by lists by the filters, as an empty one does.
        assertThat(client.post("/v1/long-term-memory/search", "{\"text\": \"\\u200b\"}")
                        .status())
                .isEqualTo(200);
        refused(client.post("/v1/long-term-memory/search", "{\"text\": \"a\\u0000\"}"), "text");
        refused(
                client.post("/v1/long-term-memory/search", "{\"text\": \"x\", \"topics\": {\"eq\": \"a\\u0000\"}}"),
                "topics");
        assertThat(turnsOfThisTest()).isZero();
    }

    @Test
    void timesOutsideTheStorableRangeAreRefusedBeforeAnythingIsPublished() {
        for (String time : List.of(
                "-1000000000-01-01T00:00:00Z",
                "+1000000000-12-31T23:59:59Z",
                "-300000-01-01T00:00:00Z",
                "+300000-01-01T00:00:00Z",
                "2026\\u0000",
                "1e300")) {
            String value = time.equals("1e300") ? time : "\"" + time + "\"";
            refused(client.post("/v1/turns", """
                            {"session_id": "%s", "role": "user", "content": "hi", "created_at": %s}""".formatted(session, value)), "created_at");
            refused(client.put("/v1/working-memory/" + session, """
                            {"user_id": "%s", "messages": [{"role": "user", "content": "hi", "created_at": %s}]}""".formatted(user, value)), "created_at");
            refused(
                    client.post(
                            "/v1/long-term-memory/",
                            "{\"memories\": [{\"text\": \"x\", \"event_date\": %s}]}".formatted(value)),
                    "event_date");
        }
        assertThat(turnsOfThisTest()).isZero();
        assertThat(client.get("/v1/working-memory/" + session + "?user_id=" + user)
                        .status())
                .as("nothing half-applied")
                .isEqualTo(404);
    }

    @Test
    void memoriesAWorkingMemoryCarriesAreHeldToTheLongTermRules() {
        refused(client.put("/v1/working-memory/" + session, """
                {"user_id": "%s", "messages": [{"role": "user", "content": "hi"}],
                 "memories": [{"text": "\\u200b"}]}""".formatted(user)), "memories[0].text");
        refused(client.put("/v1/working-memory/" + session, """
                {"user_id": "%s", "messages": [{"role": "user", "content": "hi"}],
                 "memories": [{"text": "x", "created_at": "-1000000000-01-01T00:00:00Z"}]}""".formatted(user)), "created_at");
        assertThat(TopicProbe.values(Topics.FACT_CANDIDATES))
                .as("no memory was promoted")
                .noneMatch(c -> tenant.equals(c.factKey().tenantId()));
        assertThat(turnsOfThisTest()).as("the message was not published").isZero();
        assertThat(client.get("/v1/working-memory/" + session + "?user_id=" + user)
                        .status())
                .as("nothing half-applied")
                .isEqualTo(404);
    }

    @Test
    void deeplyNestedValuesAreRefusedAndTheProfileStaysReadable() {
        String deep = "[".repeat(40) + "1" + "]".repeat(40);
        refused(client.put("/v1/users/" + user + "/facts/deep", "{\"value\": " + deep + "}"), "value");
        refused(
                client.put(
                        "/v1/working-memory/" + session,
                        "{\"user_id\": \"" + user + "\", \"data\": {\"a\": " + deep + "}}"),
                "data");
        String deepest = "[".repeat(499) + "]".repeat(499);
        refused(client.put("/v1/users/" + user + "/facts/deep", "{\"value\": " + deepest + "}"), "value");
        refused(client.put("/v1/users/" + user + "/facts/deep", "{\"value\": null}"), "value");
        String fine = "[".repeat(20) + "1" + "]".repeat(20);
        assertThat(client.put("/v1/users/" + user + "/facts/nested", "{\"value\": " + fine + "}")
                        .status())
                .isEqualTo(202);
        assertThat(client.get("/v1/users/" + user + "/facts?include_history=true")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aTtlRedisCannotHoldIsTheClientsMistakeNotAnOutage() {
        Api.Response response = client.put("/v1/working-memory/" + session, """
                {"user_id": "%s", "ttl_seconds": 10000000000000000, "messages": [{"role": "user", "content": "hi"}]}""".formatted(user));
        refused(response, "ttl_seconds");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        assertThat(turnsOfThisTest()).as("the message was not published").isZero();
    }

    @Test
    void inputsThatAnswered500AreNowNamed400s() {
        refused(client.post("/v1/turns/batch", "{\"turns\": [null]}"), "turns[0]");
        refused(client.put("/v1/working-memory/" + session, "{\"messages\": [null]}"), "messages[0]");
        refused(client.post("/v1/working-memory/" + session + "/messages", "{\"messages\": [null]}"), "messages[0]");
        refused(client.post("/v1/long-term-memory/", "{\"memories\": [null]}"), "memories[0]");
        refused(
                client.post("/v1/long-term-memory/search", "{\"text\": \"x\", \"recency_semantic_weight\": 4.9e-324}"),
                "recency_semantic_weight");
        refused(
                client.post(
                        "/v1/long-term-memory/search",
                        "{\"text\": \"x\", \"hybrid_alpha\": 1e-320, \"search_mode\": \"hybrid\"}"),
                "hybrid_alpha");
        refused(client.get("/v1/working-memory/?user_id=a%00b"), "user_id");
        refused(client.get("/v1/users/" + user + "/facts?namespace=a%00"), "namespace");
        refused(client.post("/v1/long-term-memory/forget?dry_run=true%00", "{}"), "dry_run");
        refused(client.post("/v1/long-term-memory/search", "{\"text\": \"x\", \"recency_boost\": 2}"), "recency_boost");
        refused(client.post("/v1/long-term-memory/search", "{\"text\": \"x\", \"limit\": 5.5}"), "limit");
    }

    @Test
    void aListInsideAListOfStringsIsAnErrorNotASecondMemory() {
        refused(client.post("/v1/long-term-memory/", """
                {"memories": [{"text": "one", "topics": [["a"]]}]}"""), "memories[0].topics");
        assertThat(TopicProbe.values(Topics.FACT_CANDIDATES))
                .noneMatch(c -> tenant.equals(c.factKey().tenantId()));
    }

    @Test
    void idsThatAPathCannotCarryUnchangedAreRefusedWhereverTheyEnter() {
        for (String id : List.of("a/b", "a\\\\b", "a;b", "..", "a%2Fb", "a b", "ä")) {
            refused(client.post("/v1/turns", """
                    {"session_id": "s", "user_id": "%s", "role": "user", "content": "hi"}""".formatted(id)), "user_id");
            refused(client.post("/v1/long-term-memory/", """
                    {"memories": [{"text": "x", "user_id": "%s", "session_id": "%s"}]}""".formatted(id, id)), "memories[0]");
            refused(client.put("/v1/working-memory/" + session, """
                    {"user_id": "%s", "messages": []}""".formatted(id)), "user_id");
            refused(client.post("/v1/jobs", "{\"user_id\": \"%s\"}".formatted(id)), "user_id");
            refused(client.post("/v1/memory/prompt", """
                    {"query": "q", "session": {"session_id": "%s"}}""".formatted(id)), "session");
        }
        assertThat(turnsOfThisTest()).isZero();
    }

    @Test
    void pathsThatMeanSomethingElseToAnotherLayerAreRefusedWithoutAKeyOrAServerError() {
        Map<String, String> noKey = Map.of();
        for (String target : List.of(
                "/v1/working-memory/a%2Fb",
                "/v1/working-memory/%2E%2E",
                "/v1/working-memory/a%20b",
                "/v1/working-memory/%C3%28",
                "/v1/working-memory/a%3Bb",
                "/v1/working-memory/a%5Cb",
                "/v1/working-memory/%00",
                "//v1/working-memory/",
                "/v1/./working-memory/",
                "/x/../v1/working-memory/",
                "/v1/working-memory/..",
                "/v1/" + "a".repeat(10_000))) {
            refusedRaw(RawHttp.get(port, target, noKey));
            refusedRaw(RawHttp.get(port, target, Map.of("Authorization", "Bearer " + key)));
        }
        // A ";" (a matrix parameter to the servlet container) is refused by the guard itself, with or
        // without a key: were it to reach a route, "a;b=c" would be read as "a" and answer 404.
        for (String target : List.of("/v1;x=1/working-memory/", "/v1/users/a;b=c", "/v1/working-memory/a;b=c")) {
            refusedRaw400(RawHttp.get(port, target, noKey));
            refusedRaw400(RawHttp.get(port, target, Map.of("Authorization", "Bearer " + key)));
        }
        StringBuilder many = new StringBuilder("/v1/working-memory/?");
        for (int i = 0; i < 1_100; i++) {
            many.append("p").append(i).append("=1&");
        }
        refusedRaw(RawHttp.get(port, many.toString(), Map.of("Authorization", "Bearer " + key)));
        for (String query : List.of("?user_id=a%ZZ", "?user_id=%C3%28")) {
            refusedRaw(RawHttp.get(port, "/v1/working-memory/" + query, Map.of("Authorization", "Bearer " + key)));
        }
        // An escape of an id character is what encodeURIComponent sends: decoded once, and the key is
        // checked on the path the dispatcher maps, never skipped.
        assertThat(RawHttp.get(port, "/%761/working-memory/", noKey).status()).isEqualTo(401);
        assertThat(RawHttp.get(port, "/%761/working-memory/", Map.of("Authorization", "Bearer " + key))
                        .status())
                .isEqualTo(200);
        assertThat(RawHttp.get(port, "/v1/working-memory/a%3Ab%40c", Map.of("Authorization", "Bearer " + key))
                        .status())
                .as("a session id with : and @, escaped")
                .isEqualTo(404);
        // Erasing "a;b=c" must not erase "a": refused before any route sees it.
        assertThat(RawHttp.send(port, "DELETE", "/v1/users/a;b=c", Map.of("Authorization", "Bearer " + key), null)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void theActuatorButHealthNeedsAKey() {
        assertThat(api.get("/actuator").status()).isEqualTo(401);
        assertThat(api.get("/actuator/metrics").status()).isEqualTo(401);
        Api.Response health = api.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().has("components"))
                .as("health says UP, not what it checked")
                .isFalse();
        assertThat(client.get("/actuator/metrics").status()).isEqualTo(200);
        Api.Response endUser = api.withKey(keys.create(tenant, "u1", "test")).get("/actuator/metrics");
        assertThat(endUser.status()).isEqualTo(403);
        assertThat(endUser.contentType()).startsWith("application/problem+json");
    }

    @Test
    void malformedBodiesAreNamedInTheClientsTermsAndInvalidUtf8IsNotAnError() {
        for (String body : List.of(
                "{\"session_id\": \"s\", \"role\": \"user\", \"content\": [\"hi\"]}",
                "{\"session_id\": 5, \"role\": \"user\", \"content\": \"hi\"}",
                "{\"session_id\": \"s\", \"role\": \"user\", \"content\": \"hi\", \"created_at\": [1]}",
                "{\"session_id\": \"s\", \"role\": \"user\", \"content\": \"x\"",
                "not json",
                "[".repeat(600) + "]".repeat(600))) {
            Api.Response response = client.post("/v1/turns", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            String detail = response.body().get("detail").asString();
            assertThat(INTERNALS).as(detail).noneMatch(detail::contains);
        }
        byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        RawHttp.Answer answer = RawHttp.send(
                port,
                "POST",
                "/v1/turns",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"),
                invalid);
        refusedRaw(answer);
        assertThat(answer.body()).contains("UTF-8");
        RawHttp.Answer latin1 = RawHttp.send(
                port,
                "POST",
                "/v1/turns",
                Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"),
                turn("caf\u00e9").getBytes(StandardCharsets.ISO_8859_1));
        refusedRaw(latin1);
    }
}
