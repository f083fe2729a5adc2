package io.memstream.ingest.turns;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * One turn as a client posts it (snake_case on the wire). {@code id} makes a retry safe: the same id
 * is the same turn.
 */
record TurnRequest(
        @Size(max = 128) @Pattern(regexp = Limits.ID_PATTERN, message = Limits.ID_MESSAGE)
        String id,

        @NotBlank @Size(max = 256) @Pattern(regexp = Limits.ID_PATTERN, message = Limits.ID_MESSAGE)
        String sessionId,

        @Size(max = 256) @Pattern(regexp = Limits.ID_PATTERN, message = Limits.ID_MESSAGE)
        String userId,

        @Size(max = 256) @Pattern(regexp = Limits.ID_PATTERN, message = Limits.ID_MESSAGE)
        String namespace,

        @NotBlank
        @Pattern(regexp = "user|assistant|system|tool", message = "must be one of user, assistant, system, tool")
        String role,

        @NotBlank(message = "must not be empty")
        @Size(max = Limits.MAX_CONTENT_CHARS)
        @Pattern(regexp = Limits.NO_NUL, message = Limits.NO_NUL_MESSAGE)
        String content,

        Instant createdAt) {}
