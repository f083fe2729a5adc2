package io.memstream.ingest.longterm;

import jakarta.validation.Valid;
import java.util.List;

/** The body of POST /v1/long-term-memory/forget. */
record ForgetRequest(@Valid ForgetPolicy policy, List<String> pinnedIds) {

    /**
     * Which memories to forget. A memory goes if it is older than {@code maxAgeDays}, or unused for
     * longer than {@code maxInactiveDays}, or beyond the {@code budget} most recently used; pinned
     * ones always stay. With an allowlist, only memories of those types are considered.
     */
    record ForgetPolicy(
            @jakarta.validation.constraints.Positive Double maxAgeDays,
            @jakarta.validation.constraints.Positive Double maxInactiveDays,
            @jakarta.validation.constraints.PositiveOrZero Integer budget,
            List<String> memoryTypeAllowlist) {}
}
