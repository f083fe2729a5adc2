package io.memstream.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.json.JsonSerde;
import io.memstream.common.topics.Topics;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Events written by an older version (before edits, deletions, replay jobs) sit in topics and state
 * stores for days: they must still read, with the new fields at their defaults.
 */
class EventCompatibilityTest {

    private static final String OLD_FACT = """
            {"fact_id": "f1", "fact_key": {"tenant_id": "t", "user_id": "u", "namespace": "default", "key": "diet"},
             "value": "vegan", "text": "User is vegan.", "memory_type": "semantic", "topics": [], "entities": [],
             "confidence": 0.8, "source_turn_ids": ["turn-1"], "valid_from": "2026-11-01T10:00:00Z",
             "valid_to": null, "last_seen_at": "2026-11-01T10:00:00Z"}""";

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anOldFactEventReadsAsNotPinned() {
        FactEvent event = Topics.FACT_CHANGELOG
                .valueSerde()
                .deserialize("t", bytes("{\"change\": \"CREATED\", \"current\": " + OLD_FACT + ", \"retired\": null}"));
        assertThat(event.current().pinned()).isFalse();
        assertThat(event.current().sessionId()).isNull();
        assertThat(event.factKey().key()).isEqualTo("diet");
    }

    @Test
    void anOldFactInAStateStoreReads() {
        Fact fact = new JsonSerde<>(Fact.class).deserialize("t", bytes(OLD_FACT));
        assertThat(fact.pinned()).isFalse();
        assertThat(fact.extractor()).isNull();
    }

    @Test
    void anOldCandidateReadsAsAnObservation() {
        FactCandidate candidate = Topics.FACT_CANDIDATES.valueSerde().deserialize("t", bytes("""
                        {"candidate_id": "c1", "fact_key": {"tenant_id": "t", "user_id": "u", "namespace": "default",
                         "key": "diet"}, "value": "vegan", "text": "User is vegan.", "confidence": 0.8,
                         "source_turn_ids": ["turn-1"], "extractor": "rules/1", "observed_at": "2026-11-01T10:00:00Z"}"""));
        assertThat(candidate.operation()).isEqualTo(FactCandidate.Operation.OBSERVE);
        assertThat(candidate.memoryId()).isNull();
        assertThat(candidate.jobId()).isNull();
    }
}
