package io.memstream.ingest.longterm;

import tools.jackson.databind.JsonNode;

/**
 * The AMS SearchRequest. Filters stay JSON here and are checked by {@link SearchFilters}, so an
 * error names the filter and what form it should take.
 *
 * @param text empty or absent: a listing by the filters alone
 * @param expandNeighbours Memstream's own: for each conversation-turn hit, up to this many turns on
 *     each side of it in its session, returned after the hits and within {@code limit} (0 to 5,
 *     default 0)
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
        Double recencyHalfLifeCreatedDays,
        Integer expandNeighbours) {

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
                recencyHalfLifeCreatedDays,
                expandNeighbours);
    }
}
