package io.memstream.common.events;

import java.util.Objects;

/** The identity of one attribute of one user: dedup merges every candidate with the same key. */
public record FactKey(String tenantId, String userId, String namespace, String key) {

    public FactKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
    }
}
