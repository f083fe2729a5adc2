package io.memstream.ingest.workingmemory;

import java.time.Instant;
import java.util.List;

/**
 * A session as read back from Redis, messages oldest first.
 *
 * @param generation this incarnation of the session: a summary made for an earlier one (before a
 *     delete) must not land in this one
 */
record StoredSession(
        SessionMeta meta, String context, List<MemoryMessage> messages, Instant lastAccessed, String generation) {}
