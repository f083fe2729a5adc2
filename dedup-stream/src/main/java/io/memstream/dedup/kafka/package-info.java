/** Kafka wiring: topics, the dead-letter recoverer, the Streams configuration. */
package io.memstream.dedup.kafka;
