package io.memstream.ingest.longterm;

import java.util.Objects;

/**
 * What narrows a by-id lookup, beyond the id: memory ids are the clients', so one id can name
 * memories of several users, a user's memories in several namespaces, or turns of several sessions.
 *
 * @param userId whose memory, for a tenant-wide key; null when the id is to tell
 * @param namespace which namespace; null when the id is to tell
 * @param sessionId which session; null when the id is to tell
 */
record MemoryAddress(String userId, String namespace, String sessionId) {

    static MemoryAddress ofUser(String userId) {
        return new MemoryAddress(userId, null, null);
    }

    boolean admits(MemoryRecord m) {
        return (namespace == null || namespace.equals(m.namespace()))
                && (sessionId == null || sessionId.equals(m.sessionId()));
    }

    /** Where a row lives: a memory in its namespace, a conversation turn in its session too. */
    static String placeOf(MemoryRecord m) {
        String place = "namespace " + m.namespace() + ": ";
        return "message".equals(m.memoryType())
                ? place + "a turn of session " + Objects.requireNonNullElse(m.sessionId(), "")
                : place + "a memory";
    }
}
