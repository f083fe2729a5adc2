package io.memstream.ingest.turns;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

record TurnBatchRequest(
        @NotEmpty @Size(max = Limits.MAX_BATCH) List<@NotNull @Valid TurnRequest> turns) {}
