package io.memstream.common.events;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A fact as dedup holds it: the current value of one key, or a value that left it (superseded,
 * rejected, edited or deleted), with its evidence and validity interval.
 *
 * @param validTo null while the value is current
 * @param sessionId the session it was learned in or attached to, if any
 * @param eventDate for an episodic memory, the day it happened
 * @param pinned pinned memories are kept by every forget policy
 * @param extractor who made it: an extractor and prompt version, {@code explicit} or {@code api}
 */
public record Fact(
        String factId,
        FactKey factKey,
        JsonNode value,
        String text,
        String memoryType,
        List<String> topics,
        List<String> entities,
        double confidence,
        List<String> sourceTurnIds,
        Instant validFrom,
        Instant validTo,
        Instant lastSeenAt,
        String sessionId,
        LocalDate eventDate,
        Boolean pinned,
        String extractor) {

    public Fact {
        // Boxed so that facts written before the field existed (in state stores and on the changelog)
        // still read: absent means not pinned.
        pinned = Boolean.TRUE.equals(pinned);
        Objects.requireNonNull(factId, "factId");
        Objects.requireNonNull(factKey, "factKey");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        memoryType = memoryType == null ? "semantic" : memoryType;
        topics = topics == null ? List.of() : List.copyOf(topics);
        entities = entities == null ? List.of() : List.copyOf(entities);
        sourceTurnIds = sourceTurnIds == null ? List.of() : List.copyOf(sourceTurnIds);
    }

    public Fact(
            String factId,
            FactKey factKey,
            JsonNode value,
            String text,
            String memoryType,
            List<String> topics,
            List<String> entities,
            double confidence,
            List<String> sourceTurnIds,
            Instant validFrom,
            Instant validTo,
            Instant lastSeenAt) {
        this(
                factId,
                factKey,
                value,
                text,
                memoryType,
                topics,
                entities,
                confidence,
                sourceTurnIds,
                validFrom,
                validTo,
                lastSeenAt,
                null,
                null,
                Boolean.FALSE,
                null);
    }

    public Fact endedAt(Instant when) {
        return new Fact(
                factId,
                factKey,
                value,
                text,
                memoryType,
                topics,
                entities,
                confidence,
                sourceTurnIds,
                validFrom,
                when,
                lastSeenAt,
                sessionId,
                eventDate,
                pinned,
                extractor);
    }
}
