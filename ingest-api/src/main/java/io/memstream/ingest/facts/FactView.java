package io.memstream.ingest.facts;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** One current fact as the API shows it; {@code history} only when asked for. */
record FactView(
        String id,
        String namespace,
        String key,
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
        Instant updatedAt,
        List<HistoryEntry> history) {

    FactView withHistory(List<HistoryEntry> entries) {
        return new FactView(
                id,
                namespace,
                key,
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
                updatedAt,
                entries);
    }
}
