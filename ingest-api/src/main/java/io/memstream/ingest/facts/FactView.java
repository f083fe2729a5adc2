package io.memstream.ingest.facts;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** One current fact as the API shows it. */
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
        Instant updatedAt) {}
