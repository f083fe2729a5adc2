package io.memstream.bench;

/**
 * One row of the table.
 *
 * @param perSecond operations (or turns) per second
 * @param against the row this one is compared with, or null for a raw limit
 * @param ratio this row's rate divided by {@code against}'s
 */
record Result(
        String scenario,
        String measured,
        double perSecond,
        String unit,
        double p50Millis,
        double p99Millis,
        long errors,
        String against,
        Double ratio) {

    Result comparedWith(Result raw) {
        return new Result(
                scenario,
                measured,
                perSecond,
                unit,
                p50Millis,
                p99Millis,
                errors,
                raw.measured,
                perSecond / raw.perSecond);
    }
}
