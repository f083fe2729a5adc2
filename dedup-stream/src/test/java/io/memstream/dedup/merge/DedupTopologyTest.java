package io.memstream.dedup.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactCandidate.Operation;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactEvent.Change;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.MemoryKeys;
import io.memstream.common.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.StringNode;

/** Every merge rule, driven synchronously through the real topology. */
class DedupTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final FactKey EMPLOYER = new FactKey("t1", "u1", "default", "work.employer");

    private TopologyTestDriver driver;
    private TestInputTopic<FactKey, FactCandidate> candidates;
    private TestOutputTopic<FactKey, FactEvent> changes;

    @BeforeEach
    void setUp() {
        startDriver(DedupSettings.DEFAULTS);
    }

    private void startDriver(DedupSettings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, settings);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedup-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), props);
        var in = Topics.FACT_CANDIDATES;
        var out = Topics.FACT_CHANGELOG;
        candidates = driver.createInputTopic(
                in.name(), in.keySerde().serializer(), in.valueSerde().serializer());
        changes = driver.createOutputTopic(
                out.name(), out.keySerde().deserializer(), out.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static FactCandidate candidate(String value, double confidence, String turnId, Instant when) {
        return new FactCandidate(
                "c-" + turnId + "-" + value,
                EMPLOYER,
                StringNode.valueOf(value),
                "User works at " + value + ".",
                null,
                List.of("work"),
                List.of(value),
                confidence,
                List.of(turnId),
                "s1",
                "rules/1",
                when,
                null);
    }

    private void send(FactCandidate c) {
        candidates.pipeInput(c.factKey(), c);
    }

    private FactEvent onlyChange() {
        List<FactEvent> out = changes.readValuesToList();
        assertThat(out).hasSize(1);
        return out.getFirst();
    }

    @Test
    void aFirstCandidateCreatesTheFact() {
        send(candidate("TechCorp", 0.8, "turn-1", T0));

        FactEvent event = onlyChange();
        assertThat(event.change()).isEqualTo(Change.CREATED);
        assertThat(event.current().value().asString()).isEqualTo("TechCorp");
        assertThat(event.current().confidence()).isEqualTo(0.8);
        assertThat(event.current().validFrom()).isEqualTo(T0);
        assertThat(event.current().validTo()).isNull();
        assertThat(event.retired()).isNull();
    }

    @Test
    void theSameValueReinforcesWithNoisyOrAndAppendsTheNewEvidence() {
        send(candidate("TechCorp", 0.8, "turn-1", T0));
        changes.readValuesToList();
        send(candidate("techcorp.", 0.5, "turn-2", T0.plusSeconds(60)));

        FactEvent event = onlyChange();
        assertThat(event.change()).isEqualTo(Change.REINFORCED);
        assertThat(event.current().confidence()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(event.current().sourceTurnIds()).containsExactly("turn-1", "turn-2");
        assertThat(event.current().lastSeenAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(event.current().validFrom()).isEqualTo(T0);
        assertThat(event.current().value().asString()).isEqualTo("TechCorp");
    }

    @Test
    void reinforcementIsCappedBelowCertainty() {
        for (int i = 0; i < 10; i++) {
            send(candidate("TechCorp", 0.9, "turn-" + i, T0.plusSeconds(i)));
        }
        List<FactEvent> out = changes.readValuesToList();
        assertThat(out.getLast().current().confidence()).isEqualTo(DedupSettings.DEFAULTS.confidenceCap());
    }

    @Test
    void aFactCitesOnlyItsMostRecentEvidenceSoItsRecordStaysBounded() {
        driver.close();
        startDriver(new DedupSettings(0.99, 0.5, 3));

        for (int i = 0; i < 6; i++) {
            send(candidate("TechCorp", 0.5, "turn-" + i, T0.plusSeconds(i)));
        }

        FactEvent last = changes.readValuesToList().getLast();
        assertThat(last.current().sourceTurnIds()).containsExactly("turn-3", "turn-4", "turn-5");
        assertThat(last.current().confidence()).isGreaterThan(0.98);
    }

    @Test
    void evidenceAlreadyCountedChangesNothing() {
        FactCandidate first = candidate("TechCorp", 0.8, "turn-1", T0);
        send(first);
        changes.readValuesToList();

        send(first);
        send(candidate("TechCorp", 0.8, "turn-1", T0));

        assertThat(changes.isEmpty()).isTrue();
    }

    @Test
    void aNewerConfidentDifferentValueSupersedesAndTheOldOneGoesToHistory() {
        send(candidate("TechCorp", 0.8, "turn-1", T0));
        changes.readValuesToList();
        Instant later = T0.plusSeconds(3600);
        send(candidate("Globex", 0.7, "turn-2", later));

        FactEvent event = onlyChange();
        assertThat(event.change()).isEqualTo(Change.SUPERSEDED);
        assertThat(event.current().value().asString()).isEqualTo("Globex");
        assertThat(event.current().validFrom()).isEqualTo(later);
        assertThat(event.retired().value().asString()).isEqualTo("TechCorp");
        assertThat(event.retired().validTo()).isEqualTo(later);
        assertThat(event.retired().factId()).isNotEqualTo(event.current().factId());
    }

    @Test
    void aMuchWeakerDifferentValueIsRejectedAndKeptInHistory() {
        send(candidate("TechCorp", 0.9, "turn-1", T0));
        changes.readValuesToList();
        send(candidate("Globex", 0.3, "turn-2", T0.plusSeconds(60)));

        FactEvent event = onlyChange();
        assertThat(event.change()).isEqualTo(Change.REJECTED);
        assertThat(event.current().value().asString()).isEqualTo("TechCorp");
        assertThat(event.retired().value().asString()).isEqualTo("Globex");
        assertThat(event.retired().validTo()).isNotNull();
    }

    @Test
    void anOlderDifferentValueArrivingLateDoesNotOverwriteANewerOne() {
        send(candidate("Globex", 0.8, "turn-2", T0.plusSeconds(60)));
        changes.readValuesToList();
        send(candidate("TechCorp", 0.9, "turn-1", T0));

        FactEvent event = onlyChange();
        assertThat(event.change()).isEqualTo(Change.REJECTED);
        assertThat(event.current().value().asString()).isEqualTo("Globex");
    }

    @Test
    void aRedeliveredRejectedOrSupersededCandidateIsNotCountedAgain() {
        FactCandidate old = candidate("TechCorp", 0.8, "turn-1", T0);
        send(old);
        send(candidate("Globex", 0.8, "turn-2", T0.plusSeconds(60)));
        changes.readValuesToList();

        send(old);

        assertThat(changes.isEmpty()).isTrue();
    }

    @Test
    void anExplicitValueIsNotOverwrittenByALearnedOneButByAnotherExplicitWrite() {
        send(candidate("TechCorp", 1.0, "write-1", T0));
        changes.readValuesToList();

        send(candidate("Globex", 0.95, "turn-2", T0.plusSeconds(60)));
        assertThat(onlyChange().change()).isEqualTo(Change.REJECTED);

        send(candidate("Initech", 1.0, "write-2", T0.plusSeconds(120)));
        FactEvent edit = onlyChange();
        assertThat(edit.change()).isEqualTo(Change.SUPERSEDED);
        assertThat(edit.current().value().asString()).isEqualTo("Initech");
        assertThat(edit.current().confidence()).isEqualTo(1.0);
    }

    @Test
    void anExplicitWriteOfTheLearnedValueMakesItCertain() {
        send(candidate("TechCorp", 0.8, "turn-1", T0));
        changes.readValuesToList();

        send(candidate("TechCorp", 1.0, "write-1", T0.plusSeconds(60)));

        assertThat(onlyChange().current().confidence()).isEqualTo(1.0);
    }

    @Test
    void keysAreIndependent() {
        send(candidate("TechCorp", 0.8, "turn-1", T0));
        FactKey otherUser = new FactKey("t1", "u2", "default", "work.employer");
        FactCandidate c = candidate("Globex", 0.8, "turn-9", T0);
        send(new FactCandidate(
                c.candidateId(),
                otherUser,
                c.value(),
                c.text(),
                null,
                null,
                null,
                c.confidence(),
                c.sourceTurnIds(),
                "s2",
                "rules/1",
                T0,
                null));

        List<FactEvent> out = changes.readValuesToList();
        assertThat(out).extracting(FactEvent::change).containsExactly(Change.CREATED, Change.CREATED);
    }

    private static FactCandidate command(
            Operation op, String memoryId, String value, String commandId, Instant when, Boolean pinned) {
        return new FactCandidate(
                commandId,
                EMPLOYER,
                StringNode.valueOf(value),
                "User works at " + value + ".",
                "semantic",
                List.of("work"),
                List.of(),
                1.0,
                List.of(commandId),
                null,
                "api",
                when,
                null,
                op,
                memoryId,
                pinned);
    }

    private FactEvent created() {
        send(candidate("TechCorp", 0.8, "turn-1", T0));
        return onlyChange();
    }

    @Test
    void anEditReplacesTheTextMakesTheFactCertainAndKeepsItsId() {
        String id = created().current().factId();

        send(command(Operation.EDIT, id, "Initech", "edit-1", T0.plusSeconds(60), true));

        FactEvent event = onlyChange();
        assertThat(event.change()).isEqualTo(Change.EDITED);
        assertThat(event.current().factId()).isEqualTo(id);
        assertThat(event.current().value().asString()).isEqualTo("Initech");
        assertThat(event.current().confidence()).isEqualTo(1.0);
        assertThat(event.current().pinned()).isTrue();
        assertThat(event.current().validFrom()).isEqualTo(T0.plusSeconds(60));
        assertThat(event.retired().value().asString()).isEqualTo("TechCorp");
        assertThat(event.retired().validTo()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void anEditedFactIsNotOverwrittenByAWeakerLaterCandidate() {
        String id = created().current().factId();
        send(command(Operation.EDIT, id, "Initech", "edit-1", T0.plusSeconds(60), null));
        changes.readValuesToList();

        send(candidate("TechCorp", 0.95, "turn-2", T0.plusSeconds(120)));

        FactEvent event = onlyChange();
        assertThat(event.change()).isEqualTo(Change.REJECTED);
        assertThat(event.current().value().asString()).isEqualTo("Initech");
    }

    @Test
    void anEditMadeAgainstAReplacedValueIsRejectedAndARedeliveredEditChangesNothing() {
        String oldId = created().current().factId();
        send(candidate("Globex", 0.9, "turn-2", T0.plusSeconds(30)));
        changes.readValuesToList();

        FactCandidate stale = command(Operation.EDIT, oldId, "Initech", "edit-1", T0.plusSeconds(60), null);
        send(stale);
        FactEvent event = onlyChange();
        assertThat(event.change()).isEqualTo(Change.REJECTED);
        assertThat(event.current().value().asString()).isEqualTo("Globex");

        send(stale);
        assertThat(changes.readValuesToList()).isEmpty();
    }

    @Test
    void aDeleteEndsTheFactAndOldEvidenceDoesNotBringItBackButNewEvidenceDoes() {
        FactCandidate first = candidate("TechCorp", 0.8, "turn-1", T0);
        send(first);
        String id = onlyChange().current().factId();

        send(command(Operation.DELETE, id, "TechCorp", "delete-1", T0.plusSeconds(60), null));
        FactEvent deleted = onlyChange();
        assertThat(deleted.change()).isEqualTo(Change.DELETED);
        assertThat(deleted.current()).isNull();
        assertThat(deleted.factKey()).isEqualTo(EMPLOYER);
        assertThat(deleted.retired().factId()).isEqualTo(id);
        assertThat(deleted.retired().validTo()).isEqualTo(T0.plusSeconds(60));

        send(first);
        assertThat(changes.readValuesToList())
                .as("a replay of the deleted evidence")
                .isEmpty();

        send(candidate("TechCorp", 0.7, "turn-9", T0.plusSeconds(120)));
        FactEvent relearned = onlyChange();
        assertThat(relearned.change()).isEqualTo(Change.CREATED);
        assertThat(relearned.current().confidence()).isEqualTo(0.7);
    }

    @Test
    void editsAndDeletesOfAnUnknownOrDeletedMemoryChangeNothing() {
        send(command(Operation.EDIT, "nope", "Initech", "edit-1", T0, null));
        send(command(Operation.DELETE, "nope", "Initech", "delete-1", T0, null));
        assertThat(changes.readValuesToList()).isEmpty();

        String id = created().current().factId();
        send(command(Operation.DELETE, id, "TechCorp", "delete-2", T0.plusSeconds(1), null));
        changes.readValuesToList();
        send(command(Operation.EDIT, id, "Initech", "edit-3", T0.plusSeconds(2), null));
        send(command(Operation.DELETE, id, "TechCorp", "delete-4", T0.plusSeconds(3), null));
        assertThat(changes.readValuesToList()).isEmpty();
    }

    @Test
    void anErasureForgetsTheKeyEntirelySoTheSameEvidenceCountsAfresh() {
        FactCandidate first = candidate("TechCorp", 0.8, "turn-1", T0);
        send(first);
        changes.readValuesToList();
        FactCandidate erase =
                FactCandidate.command(Operation.ERASE, "erase-1", EMPLOYER, null, "erasure", T0.plusSeconds(60), false);

        send(erase);
        FactEvent erased = onlyChange();
        assertThat(erased.change()).isEqualTo(Change.ERASED);
        assertThat(erased.current()).isNull();
        assertThat(erased.factKey()).isEqualTo(EMPLOYER);
        assertThat(erased.retired().text()).as("no new copy of what is erased").isEmpty();
        assertThat(driver.<FactKey, FactState>getKeyValueStore(DedupTopology.STORE)
                        .get(EMPLOYER))
                .isNull();

        send(erase);
        assertThat(changes.readValuesToList()).as("nothing left to erase").isEmpty();
        send(first);
        assertThat(onlyChange().change()).isEqualTo(Change.CREATED);
    }

    private static FactCandidate reset(String id) {
        return FactCandidate.command(Operation.RESET, id, EMPLOYER, null, "job", T0.plusSeconds(300), false);
    }

    @Test
    void aResetForgetsALearnedValueSoItsReplayCountsAfreshButKeepsWhatTheUserSetOrDeleted() {
        FactCandidate learned = candidate("TechCorp", 0.8, "turn-1", T0);
        send(learned);
        changes.readValuesToList();

        send(reset("reset-1"));
        FactEvent reset = onlyChange();
        assertThat(reset.change()).isEqualTo(Change.RESET);
        assertThat(reset.current()).isNull();
        assertThat(reset.retired().value().asString()).isEqualTo("TechCorp");
        send(learned);
        FactEvent relearned = onlyChange();
        assertThat(relearned.change()).isEqualTo(Change.CREATED);
        assertThat(relearned.current().confidence())
                .as("counted once, not reinforced")
                .isEqualTo(0.8);

        String id = relearned.current().factId();
        send(command(Operation.EDIT, id, "Initech", "edit-1", T0.plusSeconds(60), null));
        changes.readValuesToList();
        send(reset("reset-2"));
        assertThat(changes.readValuesToList())
                .as("an edited value is the user's")
                .isEmpty();

        send(command(Operation.DELETE, id, "Initech", "delete-1", T0.plusSeconds(90), null));
        changes.readValuesToList();
        send(reset("reset-3"));
        send(learned);
        assertThat(changes.readValuesToList())
                .as("a deletion stays, evidence and all")
                .isEmpty();
    }

    @Test
    void freeTextMemoriesWithTheSameContentShareOneKeyAndReinforceOneMemory() {
        FactKey first = new FactKey("t1", "u1", "default", MemoryKeys.forText("User likes  dark roast coffee"));
        FactKey second = new FactKey("t1", "u1", "default", MemoryKeys.forText("user likes dark roast COFFEE"));
        FactKey other = new FactKey("t1", "u1", "default", MemoryKeys.forText("User likes tea"));
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);

        send(memory(first, "m-1", "User likes  dark roast coffee", "req-1"));
        send(memory(second, "m-2", "user likes dark roast COFFEE", "req-2"));

        List<FactEvent> out = changes.readValuesToList();
        assertThat(out).extracting(FactEvent::change).containsExactly(Change.CREATED, Change.REINFORCED);
        assertThat(out.getLast().current().factId()).as("the first id is kept").isEqualTo("m-1");
    }

    private static FactCandidate memory(FactKey key, String id, String text, String requestId) {
        return new FactCandidate(
                requestId,
                key,
                StringNode.valueOf(text),
                text,
                "semantic",
                List.of(),
                List.of(),
                1.0,
                List.of(requestId),
                null,
                "api",
                T0,
                null,
                Operation.OBSERVE,
                id,
                null);
    }
}
