package io.memstream.extractor.turns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.DeadLetters;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import io.memstream.testkit.TopicWriter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker on a real broker: turns in, candidates out, and a poison turn parked, not blocking. */
// Closed after the class: a cached context would keep consuming (and loading the machine) under later tests.
@DirtiesContext
@SpringBootTest(properties = {"spring.config.name=extractor-worker", "server.port=0"})
class TurnExtractionIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    private static Turn turn(String user, String content) {
        Instant now = Instant.now();
        return new Turn(
                TestInfra.uniqueId("t"), "t1", "default", user, TestInfra.uniqueId("s"), "user", content, now, now);
    }

    @Test
    void aPoisonTurnGoesToTheDeadLetterTopicAndTheNextTurnIsStillExtracted() {
        String poison = "not a turn " + TestInfra.uniqueId("p");
        TopicWriter.sendGarbage(Topics.TURNS.name(), poison);
        String user = TestInfra.uniqueId("u");
        Turn good = turn(user, "I work at Initech");
        TopicWriter.send(Topics.TURNS, good.sessionKey(), good);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(TopicProbe.values(Topics.FACT_CANDIDATES))
                        .filteredOn(c -> c.factKey().userId().equals(user))
                        .extracting(FactCandidate::sourceTurnIds)
                        .containsExactly(java.util.List.of(good.turnId())));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(DeadLetters.all()).anySatisfy(letter -> {
                    assertThat(letter.value()).isEqualTo(poison);
                    assertThat(letter.originalTopic()).isEqualTo(Topics.TURNS.name());
                    assertThat(letter.reason()).contains("not a valid Turn");
                }));
    }
}
