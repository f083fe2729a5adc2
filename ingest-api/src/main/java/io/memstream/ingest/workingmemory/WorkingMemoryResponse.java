package io.memstream.ingest.workingmemory;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The AMS WorkingMemoryResponse: the session, plus context-window usage when a window was named. */
record WorkingMemoryResponse(
        String sessionId,
        List<MemoryMessage> messages,
        List<JsonNode> memories,
        ObjectNode data,
        String context,
        String userId,
        String namespace,
        Integer tokens,
        JsonNode longTermMemoryStrategy,
        Long ttlSeconds,
        Instant lastAccessed,
        Instant createdAt,
        Instant updatedAt,
        Double contextPercentageTotalUsed,
        Double contextPercentageUntilSummarization) {}
