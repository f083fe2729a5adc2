/** The AMS health route. */
package io.memstream.ingest.health;
