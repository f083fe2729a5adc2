package io.memstream.extractor.turns;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.Turn;
import java.util.ArrayList;
import java.util.List;

/** Reads facts about the user out of conversation turns. */
public interface Extractor {

    /** Identifies the extractor and its version; travels with every candidate it produces. */
    String id();

    List<FactCandidate> extract(Turn turn);

    /**
     * Extracts from a session's new turns, in order, with the session's bounded running summary as
     * context: each turn is read once, never the whole thread again. By default one turn at a time.
     *
     * @param sessionSummary what came before these turns, or null
     */
    default List<FactCandidate> extract(List<Turn> turns, String sessionSummary) {
        List<FactCandidate> all = new ArrayList<>();
        turns.forEach(t -> all.addAll(extract(t)));
        return all;
    }
}
