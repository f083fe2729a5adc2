package io.memstream.ingest.turns;

/** Bounds on what one request may carry, stated once for validation and docs. */
final class Limits {

    static final int MAX_CONTENT_CHARS = 100_000;
    static final int MAX_BATCH = 500;

    private Limits() {}
}
