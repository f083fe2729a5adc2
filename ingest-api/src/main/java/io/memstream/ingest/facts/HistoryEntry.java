package io.memstream.ingest.facts;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A value that left a key: superseded by a newer one, or rejected in favour of the current one. */
record HistoryEntry(
        JsonNode value,
        String text,
        double confidence,
        List<String> sourceTurnIds,
        Instant validFrom,
        Instant validTo,
        String change,
        Instant recordedAt) {}
