package io.memstream.ingest.workingmemory;

import io.memstream.ingest.web.FreeJson;
import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
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
        @Size(max = 10_000) List<@NotNull @Valid MemoryMessage> messages,
        @Size(max = 1_000) List<@NotNull @FreeJson JsonNode> memories,
        @FreeJson ObjectNode data,
        @Size(max = 100_000) @Text String context,
        @Identifier String userId,
        @Identifier String namespace,
        @PositiveOrZero Integer tokens,
        @FreeJson JsonNode longTermMemoryStrategy,

        // Ten years; null is no expiry at all. Redis counts expiry in milliseconds, within a long.
        @PositiveOrZero
        @Max(value = 315_360_000L, message = "must be at most 315360000 (ten years); omit it for no expiry")
        Long ttlSeconds,

        Instant lastAccessed,
        Instant createdAt,
        Instant updatedAt) {}
