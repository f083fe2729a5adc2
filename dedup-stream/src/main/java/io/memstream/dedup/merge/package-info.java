/** The Kafka Streams topology that merges fact candidates per (tenant, user, namespace, key). */
package io.memstream.dedup.merge;
