package io.memstream.ingest.longterm;

import io.memstream.ingest.tenancy.TenantResolver;
import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.InvalidFieldException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The AMS long-term memory routes. */
@RestController
class LongTermMemoryController {

    private final LongTermMemories memories;
    private final MemorySearch search;
    private final Forgetting forgetting;
    private final TenantResolver tenants;

    LongTermMemoryController(
            LongTermMemories memories, MemorySearch search, Forgetting forgetting, TenantResolver tenants) {
        this.memories = memories;
        this.search = search;
        this.forgetting = forgetting;
        this.tenants = tenants;
    }

    /** Stored asynchronously, as in AMS: the memories are on the broker, and dedup applies them. */
    @PostMapping({"/v1/long-term-memory", "/v1/long-term-memory/"})
    Map<String, String> create(@Valid @RequestBody CreateMemories body) {
        memories.create(tenants.current(), body.memories(), !Boolean.FALSE.equals(body.deduplicate()), "memories");
        return Map.of("status", "ok");
    }

    @PostMapping("/v1/long-term-memory/search")
    SearchResults search(@Valid @RequestBody SearchRequest body) {
        return search.search(tenants.current(), body);
    }

    /**
     * {@code user_id}, {@code namespace} and {@code session_id} (ours, not AMS's) tell apart memories
     * that share an id.
     */
    @GetMapping("/v1/long-term-memory/{id}")
    MemoryRecord get(
            @PathVariable("id") @NotBlank @Identifier String id,
            @RequestParam(name = "user_id", required = false) @Identifier String userId,
            @RequestParam(name = "namespace", required = false) @Identifier String namespace,
            @RequestParam(name = "session_id", required = false) @Identifier String sessionId) {
        return memories.get(tenants.current(), id, new MemoryAddress(userId, namespace, sessionId))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no memory with id " + id));
    }

    @PatchMapping("/v1/long-term-memory/{id}")
    MemoryRecord patch(
            @PathVariable("id") @NotBlank @Identifier String id,
            @RequestParam(name = "user_id", required = false) @Identifier String userId,
            @RequestParam(name = "namespace", required = false) @Identifier String namespace,
            @RequestParam(name = "session_id", required = false) @Identifier String sessionId,
            @Valid @RequestBody MemoryPatch body) {
        return memories.patch(tenants.current(), id, new MemoryAddress(userId, namespace, sessionId), body);
    }

    @DeleteMapping({"/v1/long-term-memory", "/v1/long-term-memory/"})
    Map<String, String> delete(
            @RequestParam(name = "memory_ids", required = false) @Size(max = 1000)
                    List<@NotBlank @Identifier String> ids,
            @RequestParam(name = "user_id", required = false) @Identifier String userId,
            @RequestParam(name = "namespace", required = false) @Identifier String namespace,
            @RequestParam(name = "session_id", required = false) @Identifier String sessionId) {
        if (ids == null || ids.isEmpty()) {
            throw new InvalidFieldException("memory_ids", "name at least one memory id (memory_ids=...)");
        }
        int deleted = memories.delete(tenants.current(), ids, new MemoryAddress(userId, namespace, sessionId));
        return Map.of("status", "ok, deleted " + deleted + " memories");
    }

    @PostMapping("/v1/long-term-memory/forget")
    ForgetResult forget(
            @RequestParam(name = "namespace", required = false) @Identifier String namespace,
            @RequestParam(name = "user_id", required = false) @Identifier String userId,
            @RequestParam(name = "session_id", required = false) @Identifier String sessionId,
            @RequestParam(name = "limit", defaultValue = "1000") @Min(1) @Max(100_000) int limit,
            @RequestParam(name = "dry_run", defaultValue = "true") boolean dryRun,
            @Valid @RequestBody(required = false) ForgetRequest body) {
        return forgetting.forget(
                tenants.current(), new Forgetting.Scope(namespace, userId, sessionId, limit, dryRun), body);
    }
}
