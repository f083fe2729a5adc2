package io.memstream.common.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memstream.common.events.Fact;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.Turn;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.StringNode;

class TopicsTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final FactKey KEY = new FactKey("t1", "u1", "default", "work.employer");

    @Test
    void everyTopicHasAUniqueNameAndTheDeadLetterTopicIsCreatedToo() {
        List<String> names =
                TopicInstaller.newTopics((short) 1).stream().map(NewTopic::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains(Topics.DEAD_LETTERS, "memstream.turns");
    }

    @Test
    void turnsAreKeptForReplayAndCandidatesExpire() {
        assertThat(Topics.TURNS.configs()).containsEntry("retention.ms", "-1");
        assertThat(Topics.FACT_CANDIDATES.configs()).containsEntry("retention.ms", "604800000");
        NewTopic turns = TopicInstaller.newTopic("memstream.turns", (short) 3);
        assertThat(turns.numPartitions()).isEqualTo(Topics.TURNS.partitions());
        assertThat(turns.replicationFactor()).isEqualTo((short) 3);
    }

    @Test
    void turnRoundTripsInSnakeCase() {
        Turn turn = new Turn("01J", "t1", "default", "u1", "s1", "user", "I live in Paris", T0, T0.plusSeconds(1));
        byte[] bytes = Topics.TURNS.valueSerde().serialize("memstream.turns", turn);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"turn_id\":\"01J\"")
                .contains("\"created_at\":\"2026-11-21T10:00:00Z\"");
        assertThat(Topics.TURNS.valueSerde().deserialize("memstream.turns", bytes))
                .isEqualTo(turn);
        SessionKey key = turn.sessionKey();
        assertThat(Topics.TURNS
                        .keySerde()
                        .deserialize("memstream.turns", Topics.TURNS.keySerde().serialize("memstream.turns", key)))
                .isEqualTo(key);
    }

    @Test
    void candidateAndFactEventRoundTrip() {
        FactCandidate candidate = new FactCandidate(
                "c1",
                KEY,
                StringNode.valueOf("TechCorp"),
                "User works at TechCorp.",
                null,
                List.of("work"),
                List.of("TechCorp"),
                0.9,
                List.of("turn-1"),
                "s1",
                "rules/1",
                T0,
                null);
        var serde = Topics.FACT_CANDIDATES.valueSerde();
        assertThat(serde.deserialize("x", serde.serialize("x", candidate))).isEqualTo(candidate);
        assertThat(candidate.memoryType()).isEqualTo("semantic");

        Fact fact = new Fact(
                "f1",
                KEY,
                StringNode.valueOf("TechCorp"),
                "User works at TechCorp.",
                "semantic",
                List.of(),
                List.of(),
                0.9,
                List.of("turn-1"),
                T0,
                null,
                T0);
        FactEvent event = new FactEvent(FactEvent.Change.SUPERSEDED, fact, fact.endedAt(T0.plusSeconds(5)));
        var eventSerde = Topics.FACT_CHANGELOG.valueSerde();
        assertThat(eventSerde.deserialize("x", eventSerde.serialize("x", event)))
                .isEqualTo(event);
    }

    @Test
    void unknownFieldsAreIgnoredSoOldConsumersReadNewEvents() {
        String json = "{\"tenant_id\":\"t1\",\"namespace\":\"n\",\"session_id\":\"s\",\"added_later\":42}";
        assertThat(Topics.TURNS.keySerde().deserialize("x", json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new SessionKey("t1", "n", "s"));
    }

    @Test
    void unreadableBytesAndMissingFieldsRaiseKafkasSerializationException() {
        var serde = Topics.TURNS.valueSerde();
        assertThatThrownBy(() -> serde.deserialize("memstream.turns", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not a valid Turn on memstream.turns");
        assertThatThrownBy(() ->
                        serde.deserialize("memstream.turns", "{\"turn_id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void candidateConfidenceMustBeAProbability() {
        assertThatThrownBy(() -> new FactCandidate(
                        "c", KEY, StringNode.valueOf("v"), "t", null, null, null, 1.5, null, "s", "x", T0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("confidence");
    }
}
