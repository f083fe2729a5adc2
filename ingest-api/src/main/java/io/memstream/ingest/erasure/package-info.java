/** Erasing a user: everything about them, in Postgres, Redis and the dedup stream, and for replays. */
package io.memstream.ingest.erasure;
