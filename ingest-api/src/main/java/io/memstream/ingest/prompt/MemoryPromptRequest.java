package io.memstream.ingest.prompt;

import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

/**
 * The AMS MemoryPromptRequest.
 *
 * @param longTermSearch a SearchRequest, {@code true} for a search by the query in the session's
 *     user and namespace, or null for none
 */
record MemoryPromptRequest(
        @Size(max = 10_000) @Text(visible = true) String query,
        @Valid Session session,
        JsonNode longTermSearch) {

    record Session(
            @Size(min = 1) @Identifier String sessionId,
            @Identifier String namespace,
            @Identifier String userId,
            @Size(max = 128) @Text String modelName,
            @Positive Integer contextWindowMax) {}
}
