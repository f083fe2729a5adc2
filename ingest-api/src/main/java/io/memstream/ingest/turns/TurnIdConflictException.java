package io.memstream.ingest.turns;

/** A turn id already accepted for another session of the tenant: ids are unique per tenant. */
public class TurnIdConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    TurnIdConflictException(String turnId) {
        super("message id '" + turnId + "' is already used by another session of this tenant; ids must be unique"
                + " per tenant (leave id out to get a new ULID)");
    }
}
