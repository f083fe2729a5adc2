package io.memstream.extractor.turns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.extractor.rules.RuleBasedExtractor;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import io.memstream.testkit.TopicWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One session cannot hold up another for longer than one batch of its own: a session has at most one
 * batch in flight, slots go to batches in the order they asked, and a batch of the rules costs at
 * most {@code max-turns} turns read in linear time (RuleLinearityTest). Here with a single slot, the
 * worst case (every slot taken by sessions of huge turns): a session of 100,000-character adversarial
 * turns runs batch after batch, and a normal session's turn waits for at most one of them.
 */
// Closed after the class: a cached context would keep consuming (and loading the machine) under later tests.
@DirtiesContext
@SpringBootTest(
        properties = {
            "spring.config.name=extractor-worker",
            "server.port=0",
            "memstream.extractor.batch.max-turns=8",
            "memstream.extractor.batch.max-idle=50ms",
            "memstream.extractor.batch.max-concurrent=1"
        })
class SessionIsolationIT {

    private static final int HUGE_TURNS = 24;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.properties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("memstream.extractor.group-id", () -> TestInfra.uniqueId("isolation-extractor"));
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Recording {

        @Bean
        @Primary
        RecordingExtractor recordingExtractor() {
            return new RecordingExtractor(new RuleBasedExtractor());
        }
    }

    record Event(String sessionId, boolean started, long nanos) {}

    /** The rules, noting when each batch of a session starts and ends. */
    static final class RecordingExtractor implements Extractor {

        final Queue<Event> events = new ConcurrentLinkedQueue<>();
        private final Extractor rules;

        RecordingExtractor(Extractor rules) {
            this.rules = rules;
        }

        @Override
        public String id() {
            return rules.id();
        }

        @Override
        public List<FactCandidate> extract(Turn turn) {
            return rules.extract(turn);
        }

        @Override
        public List<FactCandidate> extract(List<Turn> turns, String sessionSummary) {
            String session = turns.getFirst().sessionId();
            events.add(new Event(session, true, System.nanoTime()));
            List<FactCandidate> found = rules.extract(turns, sessionSummary);
            events.add(new Event(session, false, System.nanoTime()));
            return found;
        }

        List<Long> starts(String sessionId) {
            return times(sessionId, true);
        }

        List<Long> ends(String sessionId) {
            return times(sessionId, false);
        }

        private List<Long> times(String sessionId, boolean started) {
            return events.stream()
                    .filter(e -> e.sessionId().equals(sessionId) && e.started() == started)
                    .map(Event::nanos)
                    .toList();
        }
    }

    private final RecordingExtractor recorder;

    SessionIsolationIT(@Autowired RecordingExtractor recorder) {
        this.recorder = recorder;
    }

    private static Turn turn(String user, String session, String content) {
        Instant now = Instant.now();
        return new Turn(TestInfra.uniqueId("t"), "t1", "default", user, session, "user", content, now, now);
    }

    @Test
    void aNormalSessionWaitsForAtMostOneBatchOfASessionOfHugeAdversarialTurns() {
        String hugeSession = TestInfra.uniqueId("huge");
        String hugeUser = TestInfra.uniqueId("u");
        // The shape that took the old rules minutes: a long run of spaces after "allergic to".
        String adversarial = "I'm allergic to peanuts" + " ".repeat(100_000 - 24) + "x";
        List<Map.Entry<SessionKey, Turn>> huge = IntStream.range(0, HUGE_TURNS)
                .mapToObj(i -> turn(hugeUser, hugeSession, adversarial))
                .map(t -> Map.entry(t.sessionKey(), t))
                .toList();
        TopicWriter.sendAll(Topics.TURNS, huge);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !recorder.starts(hugeSession).isEmpty());

        String normalUser = TestInfra.uniqueId("u");
        Turn normal = turn(normalUser, TestInfra.uniqueId("normal"), "I work at Initech");
        long sent = System.nanoTime();
        TopicWriter.send(Topics.TURNS, normal.sessionKey(), normal);

        await().atMost(Duration.ofSeconds(60))
                .until(() -> !recorder.ends(normal.sessionId()).isEmpty());
        long normalStarted = recorder.starts(normal.sessionId()).getFirst();
        long normalEnded = recorder.ends(normal.sessionId()).getFirst();
        assertThat(recorder.starts(hugeSession))
                .as("batches of the huge session that started between the normal turn and its extraction")
                .filteredOn(t -> t > sent && t < normalStarted)
                .hasSizeLessThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(recorder.starts(hugeSession))
                        .as("the huge session still had batches to go when the normal one was done")
                        .anyMatch(t -> t > normalEnded));

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(TopicProbe.values(Topics.FACT_CANDIDATES))
                        .filteredOn(c -> c.factKey().userId().equals(normalUser))
                        .extracting(c -> c.factKey().key())
                        .containsExactly("work.employer"));
    }
}
