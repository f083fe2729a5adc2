package io.memstream.ingest.turns;

import java.util.List;

/**
 * The 202 answer: the ids of the turns now durably in Kafka, in request order.
 *
 * @param duplicateIds ids that had been accepted before and were not published again
 */
record TurnsAccepted(String status, List<String> turnIds, List<String> duplicateIds) {}
