package io.memstream.ingest.workingmemory;

import org.springframework.stereotype.Component;

/** Erasure's view of working memory: every session of a user goes. */
@Component
public class SessionEraser {

    private final WorkingMemoryStore store;

    SessionEraser(WorkingMemoryStore store) {
        this.store = store;
    }

    /** Returns how many sessions were deleted. */
    public int eraseUser(String tenant, String userId) {
        return store.deleteUser(tenant, userId);
    }
}
