package io.memstream.ingest.turns;

import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * One turn as a client posts it (snake_case on the wire). {@code id} makes a retry safe: the same id
 * is the same turn.
 */
record TurnRequest(
        @Identifier String id,
        @NotBlank(message = "is required") @Identifier String sessionId,
        @Identifier String userId,
        @Identifier String namespace,

        @NotBlank
        @Pattern(regexp = "user|assistant|system|tool", message = "must be one of user, assistant, system, tool")
        String role,

        @NotNull(message = "is required") @Size(max = Limits.MAX_CONTENT_CHARS) @Text(visible = true)
        String content,

        Instant createdAt) {}
