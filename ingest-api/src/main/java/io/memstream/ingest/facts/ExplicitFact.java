package io.memstream.ingest.facts;

import io.memstream.ingest.web.FreeJson;
import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

/**
 * A value the user (or the application on their behalf) sets for one key: it is certain (confidence
 * 1.0), replaces what was learned, and is not overwritten by anything learned later.
 *
 * @param value any JSON value, at most 10 KB
 * @param text the standalone statement for search and prompts; derived from key and value if absent
 */
record ExplicitFact(
        @NotNull(message = "is required (any JSON value but null)") @FreeJson(allowNull = false)
        JsonNode value,

        @Identifier String namespace,
        @Size(max = 2_000) @Text(visible = true) String text) {}
