package io.memstream.extractor.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.RateLimitException;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.Turn;
import io.memstream.testkit.FakeOpenAiServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The LLM extractor against a local server speaking the real OpenAI chat-completions protocol. */
class LlmExtractorIT {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String EMPLOYER_FACT = """
            {"facts": [{"key": "work.employer", "value": "TechCorp", "text": "User works at TechCorp.",
                        "memory_type": "semantic", "topics": ["work"], "entities": ["TechCorp"],
                        "event_date": "", "confidence": 0.9}]}""";

    // Long enough that no answer of a loaded machine times out by accident; only the test of
    // timeouts uses a short one, against a reply that never comes.
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(2);

    private FakeOpenAiServer llm;
    private SimpleMeterRegistry meters;
    private LlmExtractor extractor;
    private final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void setUp() {
        llm = new FakeOpenAiServer();
        meters = new SimpleMeterRegistry();
        extractor = extractorTimingOutAfter(CALL_TIMEOUT);
    }

    private LlmExtractor extractorTimingOutAfter(Duration timeout) {
        LlmSettings settings = new LlmSettings(
                llm.baseUrl(),
                "test-key",
                "gpt-4o-mini",
                timeout,
                "v1",
                3,
                Duration.ofMillis(10),
                Duration.ofMillis(40));
        return new LlmExtractor(LlmExtractor.chatModel(settings), settings, new KnownKeys(100, 50), meters, waits::add);
    }

    @AfterEach
    void tearDown() {
        llm.close();
    }

    private static Turn turn(String id, String content) {
        return new Turn(id, "t1", "default", "u1", "s1", "user", content, T0, T0);
    }

    @Test
    void factsComeBackAsCandidatesTaggedWithModelAndPromptVersion() {
        llm.replyWithContent(EMPLOYER_FACT, 420, 60);

        FactCandidate c =
                extractor.extract(turn("turn-1", "I work at TechCorp")).getFirst();

        assertThat(c.factKey().key()).isEqualTo("work.employer");
        assertThat(c.value().asString()).isEqualTo("TechCorp");
        assertThat(c.text()).isEqualTo("User works at TechCorp.");
        assertThat(c.confidence()).isEqualTo(0.9);
        assertThat(c.sourceTurnIds()).containsExactly("turn-1");
        assertThat(c.extractor()).isEqualTo("llm/gpt-4o-mini/prompt-v1");
        assertThat(c.observedAt()).isEqualTo(T0);
    }

    @Test
    void theRequestAsksForTheFactsSchemaAndCarriesTheVocabularyAndTheTurnTime() {
        llm.replyWithContent(EMPLOYER_FACT, 420, 60);

        extractor.extract(turn("turn-1", "I work at TechCorp"));

        JsonNode request = llm.requests().getFirst();
        assertThat(request.get("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(request.get("response_format").get("type").asString()).isEqualTo("json_schema");
        assertThat(request.get("response_format")
                        .get("json_schema")
                        .get("strict")
                        .asBoolean())
                .isTrue();
        String system = request.get("messages").get(0).get("content").asString();
        assertThat(system).contains("work.employer, work.role").contains("Message time: 2026-11-21T10:00:00Z");
        assertThat(request.get("messages").get(1).get("content").asString())
                .contains("Conversation so far (summary): (none)")
                .contains("[turn-1] 2026-11-21T10:00:00Z: I work at TechCorp");
    }

    @Test
    void aLaterTurnAboutTheSameAttributeIsToldTheKeyAlreadyInUse() {
        llm.replyWithContent(EMPLOYER_FACT, 420, 60)
                .replyWithContent(EMPLOYER_FACT.replace("TechCorp", "Globex"), 430, 60);

        extractor.extract(turn("turn-1", "I work at TechCorp"));
        FactCandidate later =
                extractor.extract(turn("turn-2", "I moved to Globex")).getFirst();

        String secondPrompt =
                llm.requests().get(1).get("messages").get(0).get("content").asString();
        assertThat(secondPrompt)
                .contains("Keys this user already has (reuse them for the same attribute): work.employer");
        assertThat(later.factKey().key()).isEqualTo("work.employer");
    }

    @Test
    void aSessionsNewTurnsGoInOneCallWithItsRunningSummaryAndFactsCiteTheirTurns() {
        llm.replyWithContent("""
                {"facts": [{"key": "diet", "value": "vegan", "text": "User is vegan.", "memory_type": "semantic",
                            "topics": ["diet"], "entities": [], "event_date": "", "confidence": 0.9,
                            "source_turn_ids": ["turn-2"]}]}""", 500, 40);
        Turn first = turn("turn-1", "Hello there");
        Turn second = new Turn("turn-2", "t1", "default", "u1", "s1", "user", "I'm vegan", T0.plusSeconds(5), T0);

        List<FactCandidate> found = extractor.extract(List.of(first, second), "User: Hi, I'm Ana.");

        assertThat(llm.requests()).hasSize(1);
        String message =
                llm.requests().getFirst().get("messages").get(1).get("content").asString();
        assertThat(message)
                .contains("Conversation so far (summary): User: Hi, I'm Ana.")
                .contains("[turn-1]")
                .contains("[turn-2] 2026-11-21T10:00:05Z: I'm vegan");
        FactCandidate diet = found.getFirst();
        assertThat(diet.sourceTurnIds()).containsExactly("turn-2");
        assertThat(diet.observedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void citingATurnThatIsNotInTheBatchIsOffSchema() {
        String cites = EMPLOYER_FACT.replace(
                "\"confidence\": 0.9}", "\"confidence\": 0.9, \"source_turn_ids\": [\"elsewhere\"]}");
        llm.replyWithContent(cites, 400, 10).replyWithContent(cites, 400, 10);

        assertThatThrownBy(() -> extractor.extract(turn("turn-1", "I work at TechCorp")))
                .isInstanceOf(MalformedLlmOutputException.class)
                .hasMessageContaining("not in this batch");
    }

    @Test
    void keysAreNormalizedAndEpisodicFactsKeepTheirEventDate() {
        llm.replyWithContent("""
                {"facts": [{"key": "Trip.Destination Next", "value": "Kyoto", "text": "User travels to Kyoto on 2026-12-03.",
                            "memory_type": "episodic", "topics": ["travel"], "entities": ["Kyoto"],
                            "event_date": "2026-12-03", "confidence": 0.8}]}""", 400, 50);

        FactCandidate trip = extractor
                .extract(turn("turn-1", "I fly to Kyoto next Thursday"))
                .getFirst();

        assertThat(trip.factKey().key()).isEqualTo("trip.destination_next");
        assertThat(trip.memoryType()).isEqualTo("episodic");
        assertThat(trip.eventDate()).isEqualTo(LocalDate.parse("2026-12-03"));
    }

    @Test
    void promptAndCompletionTokensAreCountedPerTenant() {
        llm.replyWithContent(EMPLOYER_FACT, 420, 60);

        extractor.extract(turn("turn-1", "I work at TechCorp"));

        assertThat(meters.counter("memstream.llm.tokens", "tenant", "t1", "type", "prompt")
                        .count())
                .isEqualTo(420.0);
        assertThat(meters.counter("memstream.llm.tokens", "tenant", "t1", "type", "completion")
                        .count())
                .isEqualTo(60.0);
    }

    @Test
    void anAnswerOutsideTheSchemaGetsOneRepairAttempt() {
        llm.replyWithContent("Sure! The user works at TechCorp.", 400, 10).replyWithContent(EMPLOYER_FACT, 450, 60);

        FactCandidate c =
                extractor.extract(turn("turn-1", "I work at TechCorp")).getFirst();

        assertThat(c.factKey().key()).isEqualTo("work.employer");
        JsonNode repair = llm.requests().get(1).get("messages");
        assertThat(repair.get(2).get("content").asString()).isEqualTo("Sure! The user works at TechCorp.");
        assertThat(repair.get(3).get("content").asString())
                .contains("That answer is invalid")
                .contains("not JSON");
    }

    @Test
    void anAnswerStillOutsideTheSchemaAfterTheRepairIsAnErrorNotAnEmptyResult() {
        String badKey = "{\"facts\": [{\"key\": \"Work Employer!\", \"value\": \"x\", \"text\": \"x\","
                + " \"memory_type\": \"semantic\", \"topics\": [], \"entities\": [], \"event_date\": \"\","
                + " \"confidence\": 0.5}]}";
        llm.replyWithContent("Sure!", 400, 10).replyWithContent(badKey, 400, 10);

        assertThatThrownBy(() -> extractor.extract(turn("turn-1", "I work at TechCorp")))
                .isInstanceOf(MalformedLlmOutputException.class)
                .hasMessageContaining("work_employer!")
                .hasMessageContaining("after one repair attempt");
        assertThat(llm.requests()).hasSize(2);
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() {
        llm.reply(FakeOpenAiServer.content(EMPLOYER_FACT, 420, 60).never()).replyWithContent(EMPLOYER_FACT, 420, 60);
        LlmExtractor impatient = extractorTimingOutAfter(SHORT_TIMEOUT);

        assertThat(impatient.extract(turn("turn-1", "I work at TechCorp"))).hasSize(1);
        assertThat(llm.requests()).hasSize(2);
        assertThat(meters.counter("memstream.llm.retries", "tenant", "t1").count())
                .isEqualTo(1.0);
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsHonoured() {
        llm.replyWithError(429, "{\"error\": {\"message\": \"slow down\"}}", Map.of("Retry-After", "2"))
                .replyWithContent(EMPLOYER_FACT, 420, 60);

        assertThat(extractor.extract(turn("turn-1", "I work at TechCorp"))).hasSize(1);
        assertThat(waits).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void aProviderAskingForAVeryLongPauseHandsTheTurnBackAtOnce() {
        llm.replyWithError(429, "{\"error\": {\"message\": \"come back in an hour\"}}", Map.of("Retry-After", "3600"));

        assertThatThrownBy(() -> extractor.extract(turn("turn-1", "I work at TechCorp")))
                .isInstanceOf(RateLimitException.class);
        assertThat(waits).isEmpty();
        assertThat(llm.requests()).hasSize(1);
    }

    @Test
    void rateLimitsAndServerErrorsAreRetriedWithBackoff() {
        llm.replyWithError(429, "{\"error\": {\"message\": \"slow down\"}}", Map.of("Retry-After", "0"))
                .replyWithError(503, "{\"error\": {\"message\": \"overloaded\"}}", Map.of())
                .replyWithContent(EMPLOYER_FACT, 420, 60);

        assertThat(extractor.extract(turn("turn-1", "I work at TechCorp"))).hasSize(1);
        assertThat(llm.requests()).hasSize(3);
        assertThat(meters.counter("memstream.llm.retries", "tenant", "t1").count())
                .isEqualTo(2.0);
    }

    @Test
    void aProviderThatKeepsFailingIsAnErrorAfterTheLastAttemptNotAnEmptyResult() {
        for (int i = 0; i < 3; i++) {
            llm.replyWithError(500, "{\"error\": {\"message\": \"boom\"}}", Map.of());
        }

        assertThatThrownBy(() -> extractor.extract(turn("turn-1", "I work at TechCorp")))
                .isInstanceOf(InternalServerException.class)
                .hasMessageContaining("boom");
        assertThat(llm.requests()).hasSize(3);
    }

    @Test
    void theAssistantsTurnsAreNotSentToTheModel() {
        Turn assistant = new Turn("a1", "t1", "default", "u1", "s1", "assistant", "You work at TechCorp?", T0, T0);

        assertThat(extractor.extract(assistant)).isEmpty();
        assertThat(llm.requests()).isEmpty();
    }
}
