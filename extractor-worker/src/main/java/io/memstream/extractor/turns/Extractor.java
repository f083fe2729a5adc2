package io.memstream.extractor.turns;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.Turn;
import java.util.List;

/** Reads facts about the user out of conversation turns. */
public interface Extractor {

    /** Identifies the extractor and its version; travels with every candidate it produces. */
    String id();

    List<FactCandidate> extract(Turn turn);
}
