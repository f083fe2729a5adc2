package io.memstream.ingest.web;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import tools.jackson.databind.JsonNode;

/**
 * Times as clients may write them in JSON: ISO-8601 times or dates, or epoch seconds (as AMS does),
 * from the year 1 to 9999: what Java, Kafka's JSON and Postgres all hold exactly.
 */
public final class Times {

    static final String FORMS = "must be an ISO-8601 time (2026-11-21T10:00:00Z), a date (2026-11-21) or epoch seconds";
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Times() {}

    /** ISO-8601 date-time or date (UTC midnight), or epoch seconds, within years 1 to 9999. */
    public static Instant parse(String field, JsonNode value) {
        Instant parsed = read(field, value);
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw new InvalidFieldException(field, "must be a time between the years 1 and 9999");
        }
        return parsed;
    }

    private static Instant read(String field, JsonNode value) {
        try {
            if (value != null && value.isNumber()) {
                double seconds = value.asDouble();
                long whole = (long) Math.floor(seconds);
                return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
            }
            if (value != null && value.isString()) {
                String s = value.asString();
                if (s.length() == 10) {
                    return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
                }
                return OffsetDateTime.parse(s).toInstant();
            }
        } catch (DateTimeException | ArithmeticException e) {
            // Reported below with the accepted forms.
        }
        throw new InvalidFieldException(field, FORMS);
    }
}
