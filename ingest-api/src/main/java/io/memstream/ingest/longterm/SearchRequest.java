package io.memstream.ingest.longterm;

import tools.jackson.databind.JsonNode;

/**
 * The AMS SearchRequest. Filters stay JSON here and are checked by {@link SearchFilters}, so an
 * error names the filter and what form it should take.
 *
 * @param text empty or absent: a listing by the filters alone
 */
public record SearchRequest(
        String text,
        String searchMode,
        Double hybridAlpha,
        JsonNode sessionId,
        JsonNode namespace,
        JsonNode topics,
        JsonNode entities,
        JsonNode userId,
        JsonNode memoryType,
        JsonNode extractionStrategy,
        JsonNode createdAt,
        JsonNode lastAccessed,
        JsonNode eventDate,
        Double distanceThreshold,
        Integer limit,
        Integer offset,
        Boolean recencyBoost,
        Double recencySemanticWeight,
        Double recencyRecencyWeight,
        Double recencyFreshnessWeight,
        Double recencyNoveltyWeight,
        Double recencyHalfLifeLastAccessDays,
        Double recencyHalfLifeCreatedDays) {

    /** The same request with other text (the memory prompt searches for its query). */
    public SearchRequest withText(String newText) {
        return new SearchRequest(
                newText,
                searchMode,
                hybridAlpha,
                sessionId,
                namespace,
                topics,
                entities,
                userId,
                memoryType,
                extractionStrategy,
                createdAt,
                lastAccessed,
                eventDate,
                distanceThreshold,
                limit,
                offset,
                recencyBoost,
                recencySemanticWeight,
                recencyRecencyWeight,
                recencyFreshnessWeight,
                recencyNoveltyWeight,
                recencyHalfLifeLastAccessDays,
                recencyHalfLifeCreatedDays);
    }
}
