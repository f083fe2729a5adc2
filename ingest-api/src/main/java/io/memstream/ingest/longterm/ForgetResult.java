package io.memstream.ingest.longterm;

import java.util.List;

/** @param scanned every memory in scope, with no cap */
record ForgetResult(long scanned, int deleted, List<String> deletedIds, boolean dryRun) {}
