/**
 * The AMS long-term memory routes: memories are created, edited and deleted through the dedup
 * stream, and read and searched from Postgres (pgvector for meaning, full-text for words).
 */
package io.memstream.ingest.longterm;
