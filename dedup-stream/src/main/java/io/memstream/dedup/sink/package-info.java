/** Postgres sinks that store their consumed offsets in the same transaction as the rows. */
package io.memstream.dedup.sink;
