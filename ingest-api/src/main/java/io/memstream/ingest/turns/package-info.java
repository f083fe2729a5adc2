/** Fire-and-forget turn ingestion: 202 only once the broker has the turn. */
package io.memstream.ingest.turns;
