package io.memstream.ingest.workingmemory;

import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A message as AMS clients send and receive it. */
public record MemoryMessage(
        @NotBlank
        @Pattern(regexp = "user|assistant|system|tool", message = "must be one of user, assistant, system, tool")
        String role,

        @NotNull(message = "is required") @Size(max = 100_000) @Text(visible = true)
        String content,

        @Identifier String id,
        Instant createdAt,
        Instant persistedAt,

        @Pattern(regexp = "t|f", message = "must be t or f") String discreteMemoryExtracted) {

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
