package io.memstream.dedup.sink;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * Instants as Postgres stores them. A timestamptz holds 4713 BC to 294276 AD, far less than an
 * Instant (and {@code Timestamp.from} itself overflows past about 292 million years), so a record
 * carrying an instant outside that range can never be written: it is refused here with a reason
 * that says which field, rather than by an overflow deep in the driver.
 */
final class Timestamps {

    static final Instant EARLIEST = Instant.parse("-4713-11-24T00:00:00Z");
    static final Instant LATEST = Instant.parse("+294276-12-31T23:59:59.999999Z");

    private Timestamps() {}

    static Timestamp of(String field, Instant instant) {
        if (instant == null) {
            return null;
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new IllegalArgumentException(
                    field + " " + instant + " is outside what Postgres can store (4713 BC to 294276 AD)");
        }
        return Timestamp.from(instant);
    }
}
