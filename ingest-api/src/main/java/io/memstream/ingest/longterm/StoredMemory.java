package io.memstream.ingest.longterm;

import io.memstream.common.events.FactKey;
import tools.jackson.databind.JsonNode;

/**
 * A memory as its row stands, with what edits and deletions need: its dedup key and current value.
 * Conversation turns have no key (they are not edited through dedup).
 */
record StoredMemory(MemoryRecord record, FactKey key, JsonNode value) {

    boolean isMessage() {
        return key == null;
    }
}
