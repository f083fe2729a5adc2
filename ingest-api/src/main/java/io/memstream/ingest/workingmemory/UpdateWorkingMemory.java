package io.memstream.ingest.workingmemory;

import jakarta.validation.Valid;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The PUT body. Messages are merged into the session by id; every other field given replaces the
 * stored one, and a field left out (or null) keeps it.
 */
public record UpdateWorkingMemory(
        @Size(max = 10_000) List<@Valid MemoryMessage> messages,
        @Size(max = 1_000) List<JsonNode> memories,
        ObjectNode data,
        String context,

        @Size(max = 256)
        @jakarta.validation.constraints.Pattern(
                regexp = "[A-Za-z0-9._:@-]*",
                message = "may contain only letters, digits and . _ : @ -")
        String userId,

        @Size(max = 256)
        @jakarta.validation.constraints.Pattern(
                regexp = "[A-Za-z0-9._:@-]*",
                message = "may contain only letters, digits and . _ : @ -")
        String namespace,

        @PositiveOrZero Integer tokens,
        JsonNode longTermMemoryStrategy,
        @PositiveOrZero Long ttlSeconds,
        Instant lastAccessed,
        Instant createdAt,
        Instant updatedAt) {}
