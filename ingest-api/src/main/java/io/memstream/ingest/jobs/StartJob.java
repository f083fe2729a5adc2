package io.memstream.ingest.jobs;

import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

/**
 * The body of POST /v1/jobs. The tenant is the caller's; everything else narrows the scope.
 *
 * @param from turns accepted at or after this (ISO-8601 or epoch seconds)
 * @param to turns accepted before this
 * @param extractor {@code rules} (default) or {@code llm}
 * @param mode {@code incremental} (default): add what the extractor finds, counting no turn twice;
 *     {@code rebuild}: recompute the scope's learned facts from scratch
 */
record StartJob(
        @Size(min = 1) @Identifier String userId,
        @Size(min = 1) @Identifier String namespace,
        @Size(min = 1) @Identifier String sessionId,
        JsonNode from,
        JsonNode to,

        @Pattern(regexp = "rules|llm", message = "must be rules or llm")
        String extractor,

        @Size(min = 1, max = 128) @Text(visible = true) String model,

        @Pattern(regexp = "[A-Za-z0-9._-]{1,32}", message = "must be 1 to 32 letters, digits or . _ -")
        String promptVersion,

        @Pattern(regexp = "incremental|rebuild", message = "must be incremental or rebuild")
        String mode) {}
