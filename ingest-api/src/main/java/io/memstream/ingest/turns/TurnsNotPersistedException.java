package io.memstream.ingest.turns;

/** The broker did not acknowledge a turn in time: the client gets a 503 and may retry with the same ids. */
public class TurnsNotPersistedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TurnsNotPersistedException(String message, Throwable cause) {
        super(message, cause);
    }
}
