package io.memstream.ingest.longterm;

import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** The body of PATCH /v1/long-term-memory/{id}: fields left out or null stay as they are. */
record MemoryPatch(
        @Size(max = 10_000) @Text(visible = true) String text,
        @Size(max = 100) List<@NotNull @Size(max = 256) @Text(visible = true) String> topics,
        @Size(max = 100) List<@NotNull @Size(max = 256) @Text(visible = true) String> entities,
        @Size(max = 32) @Text String memoryType,
        @Identifier String namespace,
        @Identifier String userId,
        @Identifier String sessionId,
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
