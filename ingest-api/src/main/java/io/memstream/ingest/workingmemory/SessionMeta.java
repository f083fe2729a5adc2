package io.memstream.ingest.workingmemory;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a client sets about a session besides its messages and summary, as one JSON value in Redis.
 * The last access time is kept apart, so that reading a session never rewrites this value.
 */
record SessionMeta(
        List<JsonNode> memories,
        ObjectNode data,
        Integer tokens,
        JsonNode longTermMemoryStrategy,
        Long ttlSeconds,
        Instant createdAt,
        Instant updatedAt) {

    static SessionMeta fresh(Instant now) {
        return new SessionMeta(List.of(), null, 0, null, null, now, now);
    }

    /** The stored values with what the client gave laid over them. */
    SessionMeta updatedBy(UpdateWorkingMemory u, Instant now) {
        return new SessionMeta(
                u.memories() != null ? u.memories() : memories,
                u.data() != null ? u.data() : data,
                u.tokens() != null ? u.tokens() : tokens,
                u.longTermMemoryStrategy() != null ? u.longTermMemoryStrategy() : longTermMemoryStrategy,
                u.ttlSeconds() != null ? (u.ttlSeconds() == 0 ? null : u.ttlSeconds()) : ttlSeconds,
                createdAt,
                now);
    }
}
