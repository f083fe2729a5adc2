package io.memstream.common.events;

import java.util.Objects;

/** Turns are keyed by session so that one session's turns stay in order on one partition. */
public record SessionKey(String tenantId, String namespace, String sessionId) {

    public SessionKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
