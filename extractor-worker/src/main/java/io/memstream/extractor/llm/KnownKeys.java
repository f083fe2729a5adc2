package io.memstream.extractor.llm;

import io.memstream.common.events.FactKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The fact keys each user has, most recent last, so that the next prompt can ask the model to reuse
 * them and the same attribute keeps the same key (and so dedups). Fed by the facts changelog (every
 * key dedup accepted, whoever produced it) and by this worker's own extractions; bounded in users and
 * in keys per user. A hint for the prompt, not a source of truth.
 */
public final class KnownKeys {

    private final int perUser;
    private final Map<String, LinkedHashSet<String>> byUser;

    public KnownKeys(int users, int perUser) {
        this.perUser = perUser;
        this.byUser = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LinkedHashSet<String>> eldest) {
                return size() > users;
            }
        };
    }

    synchronized List<String> of(String tenant, String userId, String namespace) {
        LinkedHashSet<String> keys = byUser.get(id(tenant, userId, namespace));
        return keys == null ? List.of() : new ArrayList<>(keys);
    }

    public synchronized void remember(FactKey key) {
        LinkedHashSet<String> keys =
                byUser.computeIfAbsent(id(key.tenantId(), key.userId(), key.namespace()), k -> new LinkedHashSet<>());
        keys.remove(key.key());
        keys.add(key.key());
        if (keys.size() > perUser) {
            keys.remove(keys.iterator().next());
        }
    }

    private static String id(String tenant, String userId, String namespace) {
        return tenant + "\u001f" + userId + "\u001f" + namespace;
    }
}
