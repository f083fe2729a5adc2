package io.memstream.extractor.llm;

import io.memstream.common.events.FactKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The fact keys recently extracted for each user, most recent last, so that the next prompt can
 * ask the model to reuse them and the same attribute keeps the same key (and so dedups). Bounded in
 * both users and keys per user; this worker's memory only, a hint, not a source of truth.
 */
final class KnownKeys {

    private final int perUser;
    private final Map<String, LinkedHashSet<String>> byUser;

    KnownKeys(int users, int perUser) {
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

    synchronized void remember(FactKey key) {
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
