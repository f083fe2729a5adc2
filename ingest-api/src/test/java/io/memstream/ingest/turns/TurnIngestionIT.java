package io.memstream.ingest.turns;

import static io.memstream.testkit.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.ingest.RunningIngestApi;
import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Turn ingestion against a real broker and Redis: what is accepted is on the topic, once. */
@TestPropertySource(properties = {"memstream.auth.enabled=false", "memstream.ingest.max-body-size=256KB"})
class TurnIngestionIT extends RunningIngestApi {

    String session;
    String user;

    @BeforeEach
    void setUp() {
        session = TestInfra.uniqueId("s");
        user = TestInfra.uniqueId("u");
    }

    private String turnJson(String id, String content) {
        return """
                {"id": "%s", "session_id": "%s", "user_id": "%s", "role": "user", "content": "%s"}
                """.formatted(id, session, user, content);
    }

    private List<Turn> sessionTurns() {
        return TopicProbe.values(Topics.TURNS).stream()
                .filter(t -> t.sessionId().equals(session))
                .toList();
    }

    @Test
    void anAcceptedTurnIsOnTheTopicWithEveryField() {
        String id = TestInfra.uniqueId("t");
        Api.Response response = api.post("/v1/turns", """
                {"id": "%s", "session_id": "%s", "user_id": "%s", "namespace": "travel", "role": "user",
                 "content": "I live in Oslo", "created_at": "2026-01-02T03:04:05Z", "some_future_field": 1}
                """.formatted(id, session, user));

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.body().get("turn_ids").get(0).asString()).isEqualTo(id);
        assertThat(response.body().get("duplicate_ids")).isEmpty();
        // 202 is only returned after the broker acknowledged: the turn is already readable.
        Turn turn = sessionTurns().getFirst();
        assertThat(turn.turnId()).isEqualTo(id);
        assertThat(turn.tenantId()).isEqualTo("default");
        assertThat(turn.namespace()).isEqualTo("travel");
        assertThat(turn.userId()).isEqualTo(user);
        assertThat(turn.role()).isEqualTo("user");
        assertThat(turn.content()).isEqualTo("I live in Oslo");
        assertThat(turn.createdAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Test
    void defaultsAreAUlidTheDefaultNamespaceAndNow() {
        Api.Response response = api.post("/v1/turns", """
                {"session_id": "%s", "role": "assistant", "content": "Hello"}
                """.formatted(session));

        assertThat(response.status()).isEqualTo(202);
        String id = response.body().get("turn_ids").get(0).asString();
        assertThat(id).hasSize(26);
        Turn turn = sessionTurns().getFirst();
        assertThat(turn.turnId()).isEqualTo(id);
        assertThat(turn.namespace()).isEqualTo("default");
        assertThat(turn.userId()).isNull();
        assertThat(turn.createdAt()).isEqualTo(turn.acceptedAt());
    }

    @Test
    void epochSecondsAreAcceptedForTimestamps() {
        Api.Response response = api.post("/v1/turns", """
                {"session_id": "%s", "role": "user", "content": "hi", "created_at": 1767225600}
                """.formatted(session));

        assertThat(response.status()).isEqualTo(202);
        assertThat(sessionTurns().getFirst().createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void aRetriedTurnIdIsPublishedOnce() {
        String id = TestInfra.uniqueId("t");
        assertThat(api.post("/v1/turns", turnJson(id, "I work at Initech")).status())
                .isEqualTo(202);

        Api.Response retry = api.post("/v1/turns", turnJson(id, "I work at Initech"));

        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.body().get("turn_ids").get(0).asString()).isEqualTo(id);
        assertThat(retry.body().get("duplicate_ids").get(0).asString()).isEqualTo(id);
        assertThat(sessionTurns()).extracting(Turn::turnId).containsExactly(id);
    }

    @Test
    void aBatchIsPublishedInOrderOnTheSessionsPartition() {
        Api.Response response = api.post("/v1/turns/batch", """
                {"turns": [%s, %s, %s]}
                """.formatted(
                        turnJson("b1-" + session, "one"),
                        turnJson("b2-" + session, "two"),
                        turnJson("b3-" + session, "three")));

        assertThat(response.status()).isEqualTo(202);
        assertThat(sessionTurns()).extracting(Turn::content).containsExactly("one", "two", "three");
    }

    @Test
    void anIdRepeatedWithinABatchIsOneTurn() {
        String id = TestInfra.uniqueId("t");
        Api.Response response = api.post("/v1/turns/batch", """
                {"turns": [%s, %s]}
                """.formatted(turnJson(id, "once"), turnJson(id, "twice")));

        assertThat(response.status()).isEqualTo(202);
        assertThat(sessionTurns()).extracting(Turn::content).containsExactly("once");
    }

    @Test
    void aBatchWithOneBadTurnIsRejectedWholeAndNamesIt() {
        Api.Response response = api.post(
                "/v1/turns/batch", """
                {"turns": [%s, %s]}
                """.formatted(turnJson("ok-" + session, "fine"), turnJson("bad-" + session, "")));

        assertProblem(response, 400, "turns[1].content");
        // Nothing from the rejected batch was published: a later turn of the session is the first one.
        assertThat(api.post("/v1/turns", turnJson("later-" + session, "later")).status())
                .isEqualTo(202);
        assertThat(sessionTurns()).extracting(Turn::turnId).containsExactly("later-" + session);
    }

    @Test
    void emptyContentIsA400NamingTheField() {
        assertProblem(api.post("/v1/turns", turnJson(TestInfra.uniqueId("t"), "   ")), 400, "content");
    }

    @Test
    void aNulCharacterIsA400BecausePostgresCouldNeverStoreIt() {
        assertProblem(api.post("/v1/turns", turnJson(TestInfra.uniqueId("t"), "before\\u0000after")), 400, "NUL");
    }

    @Test
    void anUnknownRoleIsA400NamingTheField() {
        Api.Response response = api.post("/v1/turns", """
                {"session_id": "%s", "role": "narrator", "content": "once upon a time"}
                """.formatted(session));
        assertProblem(response, 400, "role");
    }

    @Test
    void aMissingSessionIsA400NamingTheField() {
        assertProblem(api.post("/v1/turns", "{\"role\": \"user\", \"content\": \"hi\"}"), 400, "session_id");
    }

    @Test
    void aTurnFromTheFarFutureIsRejected() {
        Instant future = Instant.now().plus(10, ChronoUnit.MINUTES);
        Api.Response response = api.post("/v1/turns", """
                {"session_id": "%s", "role": "user", "content": "hi", "created_at": "%s"}
                """.formatted(session, future));
        assertProblem(response, 400, "created_at");
    }

    @Test
    void aTimestampThatIsNotOneIsA400NamingTheField() {
        Api.Response response = api.post("/v1/turns", """
                {"session_id": "%s", "role": "user", "content": "hi", "created_at": "yesterday"}
                """.formatted(session));
        assertProblem(response, 400, "created_at");
    }

    @Test
    void tooLongOrOddIdsAreRejected() {
        assertProblem(api.post("/v1/turns", turnJson("x".repeat(257), "hi")), 400, "id");
        assertProblem(api.post("/v1/turns", turnJson("a b", "hi")), 400, "id");
    }

    @Test
    void malformedJsonIsA400() {
        assertProblem(api.post("/v1/turns", "{\"session_id\": "), 400, "malformed JSON");
    }

    @Test
    void anEmptyOrOversizedBatchIsRejected() {
        assertProblem(api.post("/v1/turns/batch", "{\"turns\": []}"), 400, "turns");
        String many = String.join(",", Collections.nCopies(501, turnJson("", "x")));
        assertProblem(api.post("/v1/turns/batch", "{\"turns\": [" + many + "]}"), 400, "turns");
    }

    @Test
    void factsOfAUserIdThatIsTooLongAreA400() {
        assertProblem(api.get("/v1/users/" + "u".repeat(300) + "/facts"), 400, "user_id");
    }

    @Test
    void aBodyOverTheLimitIsA413WhetherItsLengthIsDeclaredOrNot() throws Exception {
        String huge = turnJson(TestInfra.uniqueId("t"), "x".repeat(300_000));
        assertProblem(api.post("/v1/turns", huge), 413, "larger than 262144 bytes");

        // Chunked: no Content-Length, so the limit is enforced while reading.
        var chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/turns"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))))
                .build();
        var response = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("larger than 262144 bytes");
        assertThat(sessionTurns()).isEmpty();
    }

    @Test
    void healthAnswersWithTheServersClock() {
        Api.Response response = api.get("/v1/health");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("now").asLong()).isPositive();
    }
}
