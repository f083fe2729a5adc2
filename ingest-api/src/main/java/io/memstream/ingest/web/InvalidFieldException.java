package io.memstream.ingest.web;

/** A request field that passed the schema but not a rule of ours; answered with a 400 naming it. */
public class InvalidFieldException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidFieldException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
