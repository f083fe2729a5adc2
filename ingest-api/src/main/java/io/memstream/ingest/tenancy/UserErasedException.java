package io.memstream.ingest.tenancy;

/** A write about a user who was erased: answered with 410, since an erased user stays erased. */
public class UserErasedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UserErasedException(String userId) {
        super("user_id '" + userId + "' was erased; nothing about them is accepted again");
    }
}
