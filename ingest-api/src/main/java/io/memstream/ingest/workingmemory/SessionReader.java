package io.memstream.ingest.workingmemory;

import io.memstream.ingest.tenancy.Caller;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Working memory as other features read it: the summary so far and the messages that fit the window. */
@Component
public class SessionReader {

    private final WorkingMemoryService service;

    SessionReader(WorkingMemoryService service) {
        this.service = service;
    }

    public record SessionView(String context, List<MemoryMessage> messages) {}

    public Optional<SessionView> read(
            Caller caller,
            String sessionId,
            String namespace,
            String userId,
            String modelName,
            Integer contextWindowMax) {
        return service.get(
                        WorkingMemoryService.ref(caller, sessionId, namespace, userId),
                        ModelWindows.resolve(modelName, contextWindowMax),
                        null)
                .map(r -> new SessionView(r.context(), r.messages()));
    }
}
