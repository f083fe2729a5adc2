package io.memstream.ingest.facts;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
        @NotNull(message = "is required (any JSON value)") JsonNode value,

        @Size(max = 256)
        @Pattern(regexp = "[A-Za-z0-9._:@-]*", message = "may contain only letters, digits and . _ : @ -")
        String namespace,

        @Size(max = 2_000) String text) {}
