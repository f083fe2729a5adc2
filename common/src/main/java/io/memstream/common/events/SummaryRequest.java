package io.memstream.common.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Working memory outgrew its window: fold these oldest messages into the session's running summary.
 * Progressive, so the summarizer sees the previous summary and only the messages leaving the window.
 *
 * @param generation the incarnation of the session in working memory; the summary is applied to it only
 * @param previousSummary null for a session's first summary
 */
public record SummaryRequest(
        String tenantId,
        String namespace,
        String userId,
        String sessionId,
        String generation,
        String previousSummary,
        List<Message> messages,
        Instant requestedAt) {

    /** One message leaving working memory. */
    public record Message(String id, String role, String content, Instant createdAt) {}

    public SummaryRequest {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(generation, "generation");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a summary request folds at least one message");
        }
    }

    public SessionKey sessionKey() {
        return new SessionKey(tenantId, namespace, sessionId);
    }
}
