package io.memstream.extractor.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.FakeOpenAiServer;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * LLM cost grows linearly with the conversation: each turn is sent once, in per-session batches,
 * with a bounded summary of what came before, so the prompt tokens per turn stay flat however long
 * the session runs; and sessions are extracted in parallel, not one after another.
 */
// Closed after the class: a cached context would keep consuming (and loading the machine) under later tests.
@DirtiesContext
@SpringBootTest(
        properties = {
            "spring.config.name=extractor-worker",
            "server.port=0",
            "memstream.extractor.batch.max-turns=8",
            "memstream.extractor.batch.max-idle=200ms",
            "memstream.extractor.batch.max-concurrent=16"
        })
class LlmCostIT {

    private static final Pattern CITED = Pattern.compile("\\[(cost-[^\\]]+)]");
    // More calls at once than the topic has partitions: what one consumer gets only by running
    // sessions in parallel.
    private static final int AT_ONCE = Topics.TURNS.partitions() + 1;
    private static final CountDownLatch SLOW_CALLS_OPEN = new CountDownLatch(AT_ONCE);
    private static final AtomicBoolean A_SLOW_CALL_GAVE_UP = new AtomicBoolean();
    private static final FakeOpenAiServer LLM = new FakeOpenAiServer().respondWith(LlmCostIT::answer);
    private static final String RUN = TestInfra.uniqueId("cost");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.properties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("memstream.extractor.group-id", () -> TestInfra.uniqueId("cost-extractor"));
        registry.add("memstream.llm.base-url", LLM::baseUrl);
    }

    @AfterAll
    static void stop() {
        LLM.close();
    }

    /**
     * No facts. A call of the "slow" sessions is held until {@link #AT_ONCE} of them are open at the
     * same moment (or a minute has passed), so that parallelism is seen whatever the machine's load.
     */
    private static FakeOpenAiServer.Reply answer(JsonNode request) {
        String message = request.get("messages").get(1).get("content").asString();
        if (message.contains("[slow-")) {
            SLOW_CALLS_OPEN.countDown();
            try {
                if (!SLOW_CALLS_OPEN.await(1, TimeUnit.MINUTES)) {
                    A_SLOW_CALL_GAVE_UP.set(true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                A_SLOW_CALL_GAVE_UP.set(true);
            }
        }
        return FakeOpenAiServer.content("{\"facts\": []}", 100, 5);
    }

    private static List<JsonNode> requestsCiting(String prefix) {
        return LLM.requests().stream()
                .filter(r -> r.get("messages").get(1).get("content").asString().contains(prefix))
                .toList();
    }

    private static int turnsCited(JsonNode request) {
        Matcher m = CITED.matcher(request.get("messages").get(1).get("content").asString());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void promptTokensPerTurnStayFlatOverAConversationOfHundredsOfTurns() {
        String session = "cost-" + RUN;
        Instant t0 = Instant.parse("2026-11-21T10:00:00Z");
        int turns = 320;
        List<Map.Entry<SessionKey, Turn>> thread = new ArrayList<>();
        for (int i = 0; i < turns; i++) {
            Turn turn = new Turn(
                    "cost-" + RUN + "-" + i,
                    "t1",
                    "default",
                    "u-" + RUN,
                    session,
                    "user",
                    "Message number " + i + ": today I walked the dog and then I read a book about sailing.",
                    t0.plusSeconds(i),
                    t0.plusSeconds(i));
            thread.add(Map.entry(turn.sessionKey(), turn));
        }
        // All on the topic before the worker sees any: batches fill up, however slow this machine is.
        TopicWriter.sendAll(Topics.TURNS, thread);

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(requestsCiting("cost-" + RUN).stream()
                                .mapToInt(LlmCostIT::turnsCited)
                                .sum())
                        .isEqualTo(turns));

        List<JsonNode> calls = requestsCiting("cost-" + RUN);
        // Batched: far fewer calls than turns; each turn sent exactly once.
        assertThat(calls.size()).isLessThan(turns / 4);
        Encoding cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        double[] perTurn = calls.stream()
                .mapToDouble(r -> (double) (cl100k.countTokens(
                                        r.get("messages").get(0).get("content").asString())
                                + cl100k.countTokens(
                                        r.get("messages").get(1).get("content").asString()))
                        / turnsCited(r))
                .toArray();
        int fifth = perTurn.length / 5;
        double early = Arrays.stream(perTurn, 0, fifth).average().orElseThrow();
        double late = Arrays.stream(perTurn, perTurn.length - fifth, perTurn.length)
                .average()
                .orElseThrow();
        // Flat, not growing with the thread: the late turns cost no more than 1.5 times the early ones
        // (the running summary fills up to its bound, then stops growing).
        assertThat(late).isLessThan(early * 1.5);
    }

    @Test
    void sessionsAreExtractedInParallelNotOneAfterAnother() {
        Instant now = Instant.now();
        List<Map.Entry<SessionKey, Turn>> sessions = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Turn turn = new Turn(
                    "slow-" + RUN + "-" + i,
                    "t1",
                    "default",
                    "u-" + RUN,
                    "slow-session-" + RUN + "-" + i,
                    "user",
                    "I like tea",
                    now,
                    now);
            sessions.add(Map.entry(turn.sessionKey(), turn));
        }
        TopicWriter.sendAll(Topics.TURNS, sessions);

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(requestsCiting("[slow-" + RUN)).hasSize(24));
        // One consumer holds all 6 partitions, yet more calls than partitions were open at once.
        assertThat(A_SLOW_CALL_GAVE_UP)
                .as("a call waited a minute for " + AT_ONCE + " calls to be open at once")
                .isFalse();
    }
}
