package io.memstream.ingest.longterm;

import java.util.List;

/** @param total every memory that matched, not just this page; nextOffset null on the last page */
public record SearchResults(List<MemoryRecordResult> memories, long total, Integer nextOffset) {}
