package io.memstream.common.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The new running summary of a session, replacing the folded messages in working memory and kept in
 * Postgres with the session's history.
 *
 * @param generation the incarnation of the session the summary was made for
 * @param foldedMessageIds the messages this summary now stands for, to be removed from working memory
 * @param summarizer which summarizer and version wrote it
 */
public record SessionSummary(
        String tenantId,
        String namespace,
        String userId,
        String sessionId,
        String generation,
        String summary,
        List<String> foldedMessageIds,
        String summarizer,
        Instant createdAt) {

    public SessionSummary {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(summary, "summary");
        foldedMessageIds = List.copyOf(foldedMessageIds);
    }

    public SessionKey sessionKey() {
        return new SessionKey(tenantId, namespace, sessionId);
    }
}
