package io.memstream.ingest.tenancy;

/** A key bound to one user named another: answered with 403. */
public class UserNotAllowedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UserNotAllowedException(String userId) {
        super("this API key is bound to another user and may not act on user_id '" + userId + "'");
    }
}
