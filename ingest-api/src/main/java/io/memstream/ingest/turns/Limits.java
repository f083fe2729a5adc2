package io.memstream.ingest.turns;

/** Bounds on what one request may carry, stated once for validation and docs. */
final class Limits {

    static final String ID_PATTERN = "[A-Za-z0-9._:@-]*";
    static final String ID_MESSAGE = "may contain only letters, digits and . _ : @ -";
    static final int MAX_CONTENT_CHARS = 100_000;
    // Postgres text cannot hold NUL; accepting one would stall the archive downstream.
    static final String NO_NUL = "[^\\x00]*";
    static final String NO_NUL_MESSAGE = "must not contain NUL characters";
    static final int MAX_BATCH = 500;

    private Limits() {}
}
