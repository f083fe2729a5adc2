package io.memstream.ingest.workingmemory;

import java.util.Objects;

/**
 * Which session: working memory is scoped by tenant, namespace, user and session id. The Redis keys
 * of one session share a hash tag, so its scripts run on one node of a Redis Cluster.
 *
 * @param userId empty when the session has no user
 */
record SessionRef(String tenant, String namespace, String userId, String sessionId) {

    // A separator that cannot occur in validated ids.
    static final String SEP = "\u001f";

    SessionRef {
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(namespace);
        userId = userId == null ? "" : userId;
        Objects.requireNonNull(sessionId);
    }

    String key(String part) {
        return "memstream:wm:{" + tenant + SEP + namespace + SEP + userId + SEP + sessionId + "}:" + part;
    }

    /**
     * The session's keys, in the order the store's scripts expect: meta, context (the summary),
     * messages by id, message order, last access, ids folded into the summary, the summary the last
     * one replaced, and the incarnation (a new one after every delete).
     */
    String[] keys() {
        return new String[] {
            key("meta"),
            key("context"),
            key("msgs"),
            key("order"),
            key("accessed"),
            key("folded"),
            key("prev"),
            key("gen")
        };
    }

    /** How the session is listed in its tenant's indexes. */
    String indexMember() {
        return namespace + SEP + userId + SEP + sessionId;
    }

    static String sessionIdOf(String indexMember) {
        return indexMember.substring(indexMember.lastIndexOf(SEP) + 1);
    }
}
