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

    /** How the session is listed in its tenant's indexes. */
    String indexMember() {
        return namespace + SEP + userId + SEP + sessionId;
    }

    static String sessionIdOf(String indexMember) {
        return indexMember.substring(indexMember.lastIndexOf(SEP) + 1);
    }
}
