package io.memstream.common.events;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Something an extractor believes about a user, with the evidence for it. Dedup decides whether it
 * becomes, reinforces, replaces or loses to the current fact under the same key.
 *
 * @param value the attribute's value as JSON (usually a string)
 * @param text a standalone statement about the user, for search and prompts
 * @param confidence how sure the extractor is, 0 to 1
 * @param sourceTurnIds the turns this was read from; evidence already counted is never counted twice
 * @param extractor which extractor and prompt version produced it, e.g. {@code rules/1}
 * @param observedAt when the user said it (the turn time), which orders contradicting values
 * @param eventDate for an episodic memory, the day it happened; null otherwise
 */
public record FactCandidate(
        String candidateId,
        FactKey factKey,
        JsonNode value,
        String text,
        String memoryType,
        List<String> topics,
        List<String> entities,
        double confidence,
        List<String> sourceTurnIds,
        String sessionId,
        String extractor,
        Instant observedAt,
        LocalDate eventDate) {

    public FactCandidate {
        Objects.requireNonNull(candidateId, "candidateId");
        Objects.requireNonNull(factKey, "factKey");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(observedAt, "observedAt");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1, was " + confidence);
        }
        memoryType = memoryType == null ? "semantic" : memoryType;
        topics = topics == null ? List.of() : List.copyOf(topics);
        entities = entities == null ? List.of() : List.copyOf(entities);
        sourceTurnIds = sourceTurnIds == null ? List.of() : List.copyOf(sourceTurnIds);
    }
}
