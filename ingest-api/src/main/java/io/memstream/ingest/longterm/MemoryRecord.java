package io.memstream.ingest.longterm;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A long-term memory as AMS clients send and receive it. On the way in only {@code text} is
 * required; the server fills in the rest.
 */
public record MemoryRecord(
        @Size(max = 200)
        @Pattern(regexp = "[A-Za-z0-9._:@-]*", message = "may contain only letters, digits and . _ : @ -")
        String id,

        @Size(max = 10_000) @Pattern(regexp = "[^\\x00]*", message = "must not contain NUL characters")
        String text,

        @Size(max = 256) String sessionId,
        @Size(max = 256) String userId,

        @Size(max = 256)
        @Pattern(regexp = "[A-Za-z0-9._:@-]*", message = "may contain only letters, digits and . _ : @ -")
        String namespace,

        Instant lastAccessed,
        Instant createdAt,
        Instant updatedAt,
        Boolean pinned,
        Integer accessCount,
        @Size(max = 100) List<@NotNull @Size(max = 256) String> topics,
        @Size(max = 100) List<@NotNull @Size(max = 256) String> entities,
        String memoryHash,
        String discreteMemoryExtracted,
        String memoryType,
        Instant persistedAt,
        @Size(max = 100) List<@NotNull @Size(max = 256) String> extractedFrom,
        Instant eventDate,
        String extractionStrategy,
        JsonNode extractionStrategyConfig,
        JsonNode metadata) {}
