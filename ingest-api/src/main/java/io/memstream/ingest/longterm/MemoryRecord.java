package io.memstream.ingest.longterm;

import io.memstream.ingest.web.FreeJson;
import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
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
        @Identifier String id,
        @Size(max = 10_000) @Text(visible = true) String text,
        @Identifier String sessionId,
        @Identifier String userId,
        @Identifier String namespace,

        Instant lastAccessed,
        Instant createdAt,
        Instant updatedAt,
        Boolean pinned,
        Integer accessCount,
        @Size(max = 100) List<@NotNull @Size(max = 256) @Text(visible = true) String> topics,
        @Size(max = 100) List<@NotNull @Size(max = 256) @Text(visible = true) String> entities,
        @Size(max = 128) @Text String memoryHash,
        @Pattern(regexp = "t|f", message = "must be t or f") String discreteMemoryExtracted,
        @Size(max = 32) @Text String memoryType,
        Instant persistedAt,
        @Size(max = 100) List<@NotNull @Identifier String> extractedFrom,
        Instant eventDate,
        @Size(max = 64) @Text String extractionStrategy,
        @FreeJson JsonNode extractionStrategyConfig,
        @FreeJson JsonNode metadata) {}
