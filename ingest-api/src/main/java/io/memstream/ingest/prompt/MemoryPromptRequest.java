package io.memstream.ingest.prompt;

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
        @Size(max = 10_000) String query, @Valid Session session, JsonNode longTermSearch) {

    record Session(
            @Size(min = 1, max = 256) String sessionId,
            @Size(max = 256) String namespace,
            @Size(max = 256) String userId,
            String modelName,
            @Positive Integer contextWindowMax) {}
}
