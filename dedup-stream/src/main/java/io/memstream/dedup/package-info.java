/** dedup-stream: fact candidates merged by key and confidence, then written to Postgres exactly once. */
package io.memstream.dedup;
