package io.memstream.ingest.turns;

import io.memstream.ingest.tenancy.TenantResolver;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Fire-and-forget ingestion: 202 means the turns are durably in Kafka. */
@RestController
class TurnController {

    private final TurnIngestion ingestion;
    private final TenantResolver tenants;

    TurnController(TurnIngestion ingestion, TenantResolver tenants) {
        this.ingestion = ingestion;
        this.tenants = tenants;
    }

    @PostMapping("/v1/turns")
    @ResponseStatus(HttpStatus.ACCEPTED)
    TurnsAccepted post(@Valid @RequestBody TurnRequest turn) {
        return ingestion.accept(tenants.current(), List.of(turn), "");
    }

    @PostMapping("/v1/turns/batch")
    @ResponseStatus(HttpStatus.ACCEPTED)
    TurnsAccepted postBatch(@Valid @RequestBody TurnBatchRequest batch) {
        return ingestion.accept(tenants.current(), batch.turns(), "turns[%d].");
    }
}
