package io.memstream.common.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A fact as dedup holds it: the current value of one key, or a value that left it (superseded or
 * rejected), with its evidence and validity interval.
 *
 * @param validTo null while the value is current
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
        Instant lastSeenAt) {

    public Fact {
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
                lastSeenAt);
    }
}
