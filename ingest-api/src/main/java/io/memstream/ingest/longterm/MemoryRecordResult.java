package io.memstream.ingest.longterm;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A search hit: the memory plus how close it is.
 *
 * @param dist 0 means identical; semantic distance in semantic and hybrid search, 1 - score in keyword
 * @param score 0 to 1, higher is better, after the recency boost when it is on
 */
public record MemoryRecordResult(@JsonUnwrapped MemoryRecord memory, double dist, double score, String scoreType) {}
