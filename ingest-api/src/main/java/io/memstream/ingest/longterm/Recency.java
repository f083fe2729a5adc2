package io.memstream.ingest.longterm;

import io.memstream.ingest.web.InvalidFieldException;

/**
 * The AMS recency boost: {@code semantic_weight * relevance + recency_weight * (freshness_weight *
 * 2^(-days since last access / half-life) + novelty_weight * 2^(-days since created / half-life))}.
 */
record Recency(
        double semanticWeight,
        double recencyWeight,
        double freshnessWeight,
        double noveltyWeight,
        double halfLifeAccessDays,
        double halfLifeCreatedDays) {

    /** Null when the request turned the boost off. */
    static Recency from(SearchRequest r) {
        if (Boolean.FALSE.equals(r.recencyBoost())) {
            return null;
        }
        return new Recency(
                MemorySearch.unit("recency_semantic_weight", r.recencySemanticWeight(), 0.8),
                MemorySearch.unit("recency_recency_weight", r.recencyRecencyWeight(), 0.2),
                MemorySearch.unit("recency_freshness_weight", r.recencyFreshnessWeight(), 0.6),
                MemorySearch.unit("recency_novelty_weight", r.recencyNoveltyWeight(), 0.4),
                positive("recency_half_life_last_access_days", r.recencyHalfLifeLastAccessDays(), 7),
                positive("recency_half_life_created_days", r.recencyHalfLifeCreatedDays(), 30));
    }

    private static double positive(String field, Double value, double otherwise) {
        if (value == null) {
            return otherwise;
        }
        if (!(value >= 0.01 && value <= 36_500)) {
            throw new InvalidFieldException(field, "must be a number of days between 0.01 and 36500");
        }
        return value;
    }

    /** The boosted score; every weight is a validated number, so it is written into the SQL. */
    String sql(String relevance) {
        String daysSinceAccess = "GREATEST(0, EXTRACT(EPOCH FROM now() - m.last_accessed)::double precision / 86400)";
        String daysSinceCreated = "GREATEST(0, EXTRACT(EPOCH FROM now() - m.created_at)::double precision / 86400)";
        // The exponent is capped: 2^-1000 is already 0 to any score, and Postgres raises an underflow
        // error below about 2^-1074 (a memory backdated by decades would otherwise fail the search).
        return semanticWeight + " * (" + relevance + ") + " + recencyWeight + " * (" + freshnessWeight
                + " * power(2, -LEAST(1000, " + daysSinceAccess + " / " + halfLifeAccessDays + ")) + "
                + noveltyWeight + " * power(2, -LEAST(1000, " + daysSinceCreated + " / " + halfLifeCreatedDays
                + ")))";
    }
}
