package io.memstream.ingest.longterm;

import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The body of POST /v1/long-term-memory/forget. */
record ForgetRequest(
        @Valid ForgetPolicy policy, @Size(max = 10_000) List<@NotNull @Identifier String> pinnedIds) {

    /**
     * Which memories to forget. A memory goes if it is older than {@code maxAgeDays}, or unused for
     * longer than {@code maxInactiveDays}, or beyond the {@code budget} most recently used; pinned
     * ones always stay. With an allowlist, only memories of those types are considered.
     */
    record ForgetPolicy(
            @jakarta.validation.constraints.Positive Double maxAgeDays,
            @jakarta.validation.constraints.Positive Double maxInactiveDays,
            @jakarta.validation.constraints.PositiveOrZero Integer budget,
            @Size(max = 10) List<@NotNull @Size(max = 32) @Text String> memoryTypeAllowlist) {}
}
