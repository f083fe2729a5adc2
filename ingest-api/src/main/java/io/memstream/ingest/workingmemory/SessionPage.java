package io.memstream.ingest.workingmemory;

import java.util.List;

/** One page of a tenant's session ids, with the true number of sessions that match. */
record SessionPage(List<String> sessions, long total) {}
