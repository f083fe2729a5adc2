package io.memstream.ingest.workingmemory;

import io.memstream.common.events.Ids;
import io.memstream.ingest.longterm.LongTermMemories;
import io.memstream.ingest.longterm.MemoryRecord;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.web.InvalidFieldException;
import io.memstream.ingest.web.JsonErrors;
import io.memstream.ingest.web.SnakeCase;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Memories a client puts in working memory (AMS's "lazily create long-term memory") are promoted to
 * long-term memory at once, through the same dedup stream as every other write. Each gets an id
 * derived from its session and text when it has none, so re-sending the session adds nothing.
 */
@Component
class MemoryPromotion {

    private final LongTermMemories longTerm;
    private final JsonMapper json;
    private final Validator validator;

    MemoryPromotion(LongTermMemories longTerm, JsonMapper json, Validator validator) {
        this.longTerm = longTerm;
        this.json = json;
        this.validator = validator;
    }

    void promote(SessionRef ref, List<JsonNode> memories) {
        if (memories == null || memories.isEmpty()) {
            return;
        }
        List<MemoryRecord> records = new ArrayList<>(memories.size());
        for (int i = 0; i < memories.size(); i++) {
            MemoryRecord r;
            try {
                r = json.treeToValue(memories.get(i), MemoryRecord.class);
            } catch (JacksonException e) {
                throw new InvalidFieldException(
                        "memories[" + i + "]", "is not a memory record: " + JsonErrors.describe(e));
            }
            // Held to the same rules as POST /v1/long-term-memory/, before anything is published.
            for (ConstraintViolation<MemoryRecord> violation : validator.validate(r)) {
                throw new InvalidFieldException(
                        "memories[" + i + "]."
                                + SnakeCase.path(violation.getPropertyPath().toString()),
                        violation.getMessage());
            }
            if (r.text() == null || r.text().isBlank()) {
                throw new InvalidFieldException("memories[" + i + "].text", "is required");
            }
            String id = r.id() != null && !r.id().isBlank()
                    ? r.id()
                    : Ids.derived(
                            ref.tenant(), ref.namespace(), String.valueOf(ref.userId()), ref.sessionId(), r.text());
            records.add(new MemoryRecord(
                    id,
                    r.text(),
                    r.sessionId() != null ? r.sessionId() : ref.sessionId(),
                    r.userId() != null ? r.userId() : ref.userId(),
                    r.namespace() != null ? r.namespace() : ref.namespace(),
                    null,
                    r.createdAt(),
                    null,
                    r.pinned(),
                    null,
                    r.topics(),
                    r.entities(),
                    null,
                    null,
                    r.memoryType(),
                    null,
                    r.extractedFrom(),
                    r.eventDate(),
                    null,
                    null,
                    null));
        }
        // The session's user is already checked against the caller's key; a memory naming another
        // user is checked again as if the session's user had sent it.
        longTerm.create(new Caller(ref.tenant(), ref.userId()), records, true, "memories");
    }
}
