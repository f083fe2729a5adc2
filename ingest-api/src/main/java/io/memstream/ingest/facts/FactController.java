package io.memstream.ingest.facts;

import io.memstream.ingest.tenancy.TenantResolver;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A user's learned profile: the current value of each fact key. */
@RestController
class FactController {

    private final FactQueries queries;
    private final TenantResolver tenants;

    FactController(FactQueries queries, TenantResolver tenants) {
        this.queries = queries;
        this.tenants = tenants;
    }

    @GetMapping("/v1/users/{user_id}/facts")
    UserFacts facts(
            @PathVariable("user_id") @Size(max = 256) String userId,
            @RequestParam(name = "namespace", required = false) @Size(max = 256) String namespace) {
        var caller = tenants.current();
        return new UserFacts(
                userId, namespace, queries.currentFacts(caller.tenant(), caller.userId(userId), namespace));
    }
}
