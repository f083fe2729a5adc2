package io.memstream.ingest.facts;

import static io.memstream.testkit.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.topics.Topics;
import io.memstream.ingest.RunningIngestApi;
import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Explicit key/value writes: validated at the edge, then a certain candidate for dedup. */
@TestPropertySource(properties = {"memstream.auth.enabled=false"})
class ExplicitFactsIT extends RunningIngestApi {

    String user;

    @BeforeEach
    void setUp() {
        user = TestInfra.uniqueId("u");
    }

    @Test
    void aWriteBecomesACertainCandidateForDedup() {
        Api.Response accepted = api.put(
                "/v1/users/" + user + "/facts/preference.seat",
                "{\"value\": {\"side\": \"aisle\", \"row\": \"front\"}, \"namespace\": \"travel\"}");

        assertThat(accepted.status()).isEqualTo(202);
        String writeId = accepted.body().get("write_id").asString();
        FactCandidate candidate = TopicProbe.values(Topics.FACT_CANDIDATES).stream()
                .filter(c -> c.candidateId().equals(writeId))
                .findFirst()
                .orElseThrow();
        assertThat(candidate.factKey().userId()).isEqualTo(user);
        assertThat(candidate.factKey().namespace()).isEqualTo("travel");
        assertThat(candidate.factKey().key()).isEqualTo("preference.seat");
        assertThat(candidate.value().get("side").asString()).isEqualTo("aisle");
        assertThat(candidate.confidence()).isEqualTo(1.0);
        assertThat(candidate.extractor()).isEqualTo("explicit");
        assertThat(candidate.sourceTurnIds()).containsExactly(writeId);
        assertThat(candidate.text()).isEqualTo("User's preference.seat is {\"side\":\"aisle\",\"row\":\"front\"}.");
    }

    @Test
    void keysValuesAndBodiesAreValidated() {
        assertProblem(api.put("/v1/users/" + user + "/facts/" + "k".repeat(257), "{\"value\": 1}"), 400, "key");
        // Refused before any route sees it: no path segment may decode to a space (issue 13).
        assertProblem(api.put("/v1/users/" + user + "/facts/bad%20key", "{\"value\": 1}"), 400, "path");
        assertProblem(
                api.put("/v1/users/" + user + "/facts/notes", "{\"value\": \"" + "x".repeat(11 * 1024) + "\"}"),
                400,
                "value: is 11266 bytes of JSON; at most 10240");
        assertProblem(api.put("/v1/users/" + user + "/facts/notes", "{}"), 400, "value");
        assertProblem(api.put("/v1/users/" + user + "/facts/notes", "{\"value\": "), 400, "malformed JSON");
        assertThat(TopicProbe.values(Topics.FACT_CANDIDATES))
                .noneMatch(c -> c.factKey().userId().equals(user));
    }
}
