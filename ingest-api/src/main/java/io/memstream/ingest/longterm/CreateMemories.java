package io.memstream.ingest.longterm;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The body of POST /v1/long-term-memory/.
 *
 * @param deduplicate true (the default): the same text within (user, namespace) is one memory
 */
record CreateMemories(
        @NotNull(message = "is required") @Size(min = 1, max = 1000)
        List<@Valid @NotNull MemoryRecord> memories,

        Boolean deduplicate) {}
