package io.memstream.ingest.web;

import java.time.Duration;
import java.time.Instant;

/** Clocks drift; a timestamp further in the future than this is a client bug, not drift. */
public final class ClockSkew {

    public static final Duration MAX = Duration.ofMinutes(5);

    private ClockSkew() {}

    public static void requireNotFuture(Instant when, Instant now, String field) {
        if (when.isAfter(now.plus(MAX))) {
            throw new InvalidFieldException(field, "is more than 5 minutes in the future (" + when + ")");
        }
    }
}
