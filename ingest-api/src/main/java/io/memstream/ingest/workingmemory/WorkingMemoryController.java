package io.memstream.ingest.workingmemory;

import io.memstream.ingest.tenancy.TenantResolver;
import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.Text;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The AMS working-memory routes, plus an append route whose effect never depends on other writers. */
@RestController
class WorkingMemoryController {

    private final WorkingMemoryService service;
    private final TenantResolver tenants;

    WorkingMemoryController(WorkingMemoryService service, TenantResolver tenants) {
        this.service = service;
        this.tenants = tenants;
    }

    record SessionList(List<String> sessions, long total) {}

    record AppendMessages(
            @jakarta.validation.constraints.NotEmpty @Size(max = 10_000)
            List<@NotNull @Valid MemoryMessage> messages,

            @Identifier String userId,
            @Identifier String namespace) {}

    @GetMapping("/v1/working-memory/")
    SessionList list(
            @RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100) int limit,
            @RequestParam(name = "offset", defaultValue = "0") @Min(0) int offset,
            @RequestParam(name = "namespace", required = false) @Identifier String namespace,
            @RequestParam(name = "user_id", required = false) @Identifier String userId) {
        SessionPage page = service.list(tenants.current(), namespace, userId, offset, limit);
        return new SessionList(page.sessions(), page.total());
    }

    @GetMapping("/v1/working-memory/{session_id}")
    WorkingMemoryResponse get(
            @PathVariable("session_id") @NotBlank @Identifier String sessionId,
            @RequestParam(name = "user_id", required = false) @Identifier String userId,
            @RequestParam(name = "namespace", required = false) @Identifier String namespace,
            @RequestParam(name = "model_name", required = false) @Size(max = 128) @Text String modelName,
            @RequestParam(name = "context_window_max", required = false) @Positive Integer contextWindowMax,
            @RequestParam(name = "recent_messages_limit", required = false) @Positive Integer recentMessagesLimit) {
        SessionRef ref = WorkingMemoryService.ref(tenants.current(), sessionId, namespace, userId);
        return service.get(ref, ModelWindows.resolve(modelName, contextWindowMax), recentMessagesLimit)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "no working memory for session '" + sessionId + "'"));
    }

    @PutMapping("/v1/working-memory/{session_id}")
    WorkingMemoryResponse put(
            @PathVariable("session_id") @NotBlank @Identifier String sessionId,
            @RequestParam(name = "model_name", required = false) @Size(max = 128) @Text String modelName,
            @RequestParam(name = "context_window_max", required = false) @Positive Integer contextWindowMax,
            @Valid @RequestBody UpdateWorkingMemory body) {
        Integer window = ModelWindows.resolve(modelName, contextWindowMax);
        SessionRef ref = WorkingMemoryService.ref(tenants.current(), sessionId, body.namespace(), body.userId());
        return service.put(ref, body, window);
    }

    /** Adds messages without touching anything else of the session. */
    @PostMapping("/v1/working-memory/{session_id}/messages")
    WorkingMemoryResponse append(
            @PathVariable("session_id") @NotBlank @Identifier String sessionId,
            @RequestParam(name = "model_name", required = false) @Size(max = 128) @Text String modelName,
            @RequestParam(name = "context_window_max", required = false) @Positive Integer contextWindowMax,
            @Valid @RequestBody AppendMessages body) {
        Integer window = ModelWindows.resolve(modelName, contextWindowMax);
        SessionRef ref = WorkingMemoryService.ref(tenants.current(), sessionId, body.namespace(), body.userId());
        return service.append(ref, body.messages(), window);
    }

    @DeleteMapping("/v1/working-memory/{session_id}")
    Map<String, String> delete(
            @PathVariable("session_id") @NotBlank @Identifier String sessionId,
            @RequestParam(name = "user_id", required = false) @Identifier String userId,
            @RequestParam(name = "namespace", required = false) @Identifier String namespace) {
        service.delete(WorkingMemoryService.ref(tenants.current(), sessionId, namespace, userId));
        return Map.of("status", "ok");
    }
}
