package io.memstream.ingest.prompt;

import io.memstream.ingest.longterm.MemoryRecordResult;
import io.memstream.ingest.longterm.MemorySearch;
import io.memstream.ingest.longterm.SearchRequest;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.tenancy.TenantResolver;
import io.memstream.ingest.web.InvalidFieldException;
import io.memstream.ingest.web.JsonErrors;
import io.memstream.ingest.workingmemory.SessionReader;
import jakarta.validation.Valid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * POST /v1/memory/prompt: the messages to send an LLM, in order: the conversation summary, the
 * session's messages, the relevant long-term memories, and the query.
 */
@RestController
class MemoryPromptController {

    private final SessionReader sessions;
    private final MemorySearch search;
    private final TenantResolver tenants;
    private final JsonMapper json;

    MemoryPromptController(SessionReader sessions, MemorySearch search, TenantResolver tenants, JsonMapper json) {
        this.sessions = sessions;
        this.search = search;
        this.tenants = tenants;
        this.json = json;
    }

    record MemoryPromptResponse(List<PromptMessage> messages, List<MemoryRecordResult> longTermMemories) {}

    @PostMapping("/v1/memory/prompt")
    MemoryPromptResponse prompt(@Valid @RequestBody MemoryPromptRequest request) {
        if (request.query() == null || request.query().isBlank()) {
            throw new InvalidFieldException("query", "is required");
        }
        if (request.query().indexOf('\0') >= 0) {
            throw new InvalidFieldException("query", "must not contain NUL characters");
        }
        boolean searching = request.longTermSearch() != null
                && !request.longTermSearch().isNull()
                && !(request.longTermSearch().isBoolean()
                        && !request.longTermSearch().asBoolean());
        if (request.session() == null && !searching) {
            throw new InvalidFieldException("session", "give a session, a long_term_search, or both");
        }
        Caller caller = tenants.current();
        List<PromptMessage> messages = new ArrayList<>();
        var session = request.session();
        if (session != null) {
            if (session.sessionId() == null) {
                throw new InvalidFieldException("session.session_id", "is required");
            }
            sessions.read(
                            caller,
                            session.sessionId(),
                            session.namespace(),
                            session.userId(),
                            session.modelName(),
                            session.contextWindowMax())
                    .ifPresent(view -> {
                        if (view.context() != null && !view.context().isBlank()) {
                            messages.add(PromptMessage.of(
                                    "system", "## A summary of the conversation so far:\n" + view.context()));
                        }
                        view.messages().forEach(m -> messages.add(PromptMessage.of(m.role(), m.content())));
                    });
        }
        List<MemoryRecordResult> memories = null;
        if (searching) {
            String sessionId = session == null ? null : session.sessionId();
            // The session's own messages are already in the prompt; do not repeat them as memories.
            memories = search.search(caller, searchRequest(request)).memories().stream()
                    .filter(m -> !("message".equals(m.memory().memoryType())
                            && m.memory().sessionId() != null
                            && m.memory().sessionId().equals(sessionId)))
                    .toList();
            if (!memories.isEmpty()) {
                messages.add(PromptMessage.of(
                        "system",
                        "## Long term memories related to the user's query\n"
                                + memories.stream()
                                        .map(m -> " - " + m.memory().text())
                                        .collect(Collectors.joining("\n"))));
            }
        }
        messages.add(PromptMessage.of("user", request.query()));
        return new MemoryPromptResponse(messages, memories);
    }

    /** {@code true} searches by the query within the session's user and namespace. */
    private SearchRequest searchRequest(MemoryPromptRequest request) {
        ObjectNode body;
        if (request.longTermSearch().isObject()) {
            body = (ObjectNode) request.longTermSearch().deepCopy();
        } else if (request.longTermSearch().isBoolean()) {
            body = json.createObjectNode();
            var session = request.session();
            if (session != null && session.userId() != null) {
                body.set("user_id", json.valueToTree(Map.of("eq", session.userId())));
            }
            if (session != null && session.namespace() != null) {
                body.set("namespace", json.valueToTree(Map.of("eq", session.namespace())));
            }
        } else {
            throw new InvalidFieldException("long_term_search", "must be a search request object, true, or null");
        }
        SearchRequest search;
        try {
            search = json.treeToValue(body, SearchRequest.class);
        } catch (JacksonException e) {
            throw new InvalidFieldException(
                    "long_term_search", "is not a valid search request: " + JsonErrors.describe(e));
        }
        return search.text() == null || search.text().isBlank() ? search.withText(request.query()) : search;
    }
}
