package io.memstream.ingest.longterm;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** The body of PATCH /v1/long-term-memory/{id}: fields left out or null stay as they are. */
record MemoryPatch(
        @Size(min = 1, max = 10_000) @Pattern(regexp = "[^\\x00]*", message = "must not contain NUL characters")
        String text,

        @Size(max = 100) List<@NotNull @Size(max = 256) String> topics,
        @Size(max = 100) List<@NotNull @Size(max = 256) String> entities,
        String memoryType,

        @Size(max = 256)
        @Pattern(regexp = "[A-Za-z0-9._:@-]*", message = "may contain only letters, digits and . _ : @ -")
        String namespace,

        @Size(max = 256) String userId,
        @Size(max = 256) String sessionId,
        Instant eventDate,
        Boolean pinned) {

    /** A create that names an existing memory, as the edit it amounts to. */
    static MemoryPatch from(MemoryRecord r) {
        return new MemoryPatch(
                r.text(),
                r.topics(),
                r.entities(),
                r.memoryType(),
                r.namespace(),
                r.userId(),
                r.sessionId(),
                r.eventDate(),
                r.pinned());
    }

    boolean isEmpty() {
        return text == null
                && topics == null
                && entities == null
                && memoryType == null
                && namespace == null
                && userId == null
                && sessionId == null
                && eventDate == null
                && pinned == null;
    }
}
