package io.memstream.common.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One conversation message accepted by ingest-api. The turns topic is the source of truth: every
 * extraction, live or replayed, starts from these records.
 *
 * @param userId null when the client did not say whose conversation it is; such turns are kept but
 *     yield no user facts
 */
public record Turn(
        String turnId,
        String tenantId,
        String namespace,
        String userId,
        String sessionId,
        String role,
        String content,
        Instant createdAt,
        Instant acceptedAt) {

    public Turn {
        Objects.requireNonNull(turnId, "turnId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
    }

    public SessionKey sessionKey() {
        return new SessionKey(tenantId, namespace, sessionId);
    }

    public boolean fromUser() {
        return "user".equals(role);
    }
}
