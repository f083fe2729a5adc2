/** Kafka wiring: topics and the reliable turn producer. */
package io.memstream.ingest.kafka;
