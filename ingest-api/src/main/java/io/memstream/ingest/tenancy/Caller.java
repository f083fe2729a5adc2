package io.memstream.ingest.tenancy;

/**
 * Who is calling: the tenant bound to the credential, and the one user an end-user key is limited to.
 *
 * @param boundUserId null for a tenant-wide key
 */
public record Caller(String tenant, String boundUserId) {

    /**
     * The user a request acts on: what it named, checked against the key's binding. A user-bound key
     * that names no user acts on its own user.
     *
     * @throws UserNotAllowedException when a user-bound key names another user
     */
    public String userId(String requested) {
        if (boundUserId == null) {
            return requested;
        }
        if (requested == null || requested.isBlank()) {
            return boundUserId;
        }
        if (!requested.equals(boundUserId)) {
            throw new UserNotAllowedException(requested);
        }
        return requested;
    }
}
