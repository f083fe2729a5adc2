package io.memstream.ingest.workingmemory;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A message as AMS clients send and receive it. */
public record MemoryMessage(
        @NotBlank
        @Pattern(regexp = "user|assistant|system|tool", message = "must be one of user, assistant, system, tool")
        String role,

        @NotBlank(message = "must not be empty")
        @Size(max = 100_000)
        @Pattern(regexp = "[^\\x00]*", message = "must not contain NUL characters")
        String content,

        @Size(max = 128)
        @Pattern(regexp = "[A-Za-z0-9._:@-]*", message = "may contain only letters, digits and . _ : @ -")
        String id,

        Instant createdAt,
        Instant persistedAt,
        String discreteMemoryExtracted) {

    /** A message sent without a time gets now, plus its position in microseconds, so order is kept. */
    MemoryMessage withDefaults(String newId, Instant now, int position) {
        return new MemoryMessage(
                role,
                content,
                id == null || id.isBlank() ? newId : id,
                createdAt == null ? now.plus(position, ChronoUnit.MICROS) : createdAt,
                persistedAt,
                discreteMemoryExtracted == null ? "f" : discreteMemoryExtracted);
    }
}
