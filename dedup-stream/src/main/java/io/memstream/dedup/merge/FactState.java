package io.memstream.dedup.merge;

import io.memstream.common.events.Fact;
import java.util.List;

/**
 * What dedup remembers per key: the current fact (null once a user deleted it) and the turn ids whose
 * evidence was already counted for this key, whatever value they spoke for.
 */
public record FactState(Fact current, List<String> countedEvidence) {

    public FactState {
        countedEvidence = List.copyOf(countedEvidence);
    }
}
