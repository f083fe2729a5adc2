package io.memstream.ingest.facts;

import io.memstream.ingest.tenancy.TenantResolver;
import io.memstream.ingest.web.Identifier;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A user's profile: the current value of each fact key, its history, and explicit writes. */
@RestController
class FactController {

    private final FactQueries queries;
    private final Profiles profiles;
    private final ExplicitFacts explicit;
    private final TenantResolver tenants;

    FactController(FactQueries queries, Profiles profiles, ExplicitFacts explicit, TenantResolver tenants) {
        this.queries = queries;
        this.profiles = profiles;
        this.explicit = explicit;
        this.tenants = tenants;
    }

    @GetMapping("/v1/users/{user_id}/facts")
    UserFacts facts(
            @PathVariable("user_id") @NotBlank @Identifier String userId,
            @RequestParam(name = "namespace", required = false) @Identifier String namespace,
            @RequestParam(name = "include_history", defaultValue = "false") boolean includeHistory) {
        var caller = tenants.current();
        String user = caller.userId(userId);
        List<FactView> facts = profiles.current(caller.tenant(), user, namespace);
        if (includeHistory) {
            Map<String, List<HistoryEntry>> history = queries.history(caller.tenant(), user, namespace);
            facts = facts.stream()
                    .map(f -> f.withHistory(history.getOrDefault(f.namespace() + "/" + f.key(), List.of())))
                    .toList();
        }
        return new UserFacts(userId, namespace, facts);
    }

    /** An explicit key/value write: accepted once the broker has it; visible after dedup applies it. */
    @PutMapping("/v1/users/{user_id}/facts/{key}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, String> write(
            @PathVariable("user_id") @NotBlank @Identifier String userId,
            @PathVariable("key") String key,
            @Valid @RequestBody ExplicitFact fact) {
        var caller = tenants.current();
        String writeId = explicit.write(caller.tenant(), caller.userId(userId), key, fact);
        return Map.of("status", "accepted", "key", key, "write_id", writeId);
    }
}
