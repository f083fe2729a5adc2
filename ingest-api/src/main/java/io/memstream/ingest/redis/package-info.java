/** The Redis connection, opened lazily so that Redis being down never stops the API from starting. */
package io.memstream.ingest.redis;
