package io.memstream.ingest.workingmemory;

import java.util.List;

/** A session as read back from Redis, messages oldest first. */
record StoredSession(SessionMeta meta, String context, List<MemoryMessage> messages) {}
