/** The JSON dialect shared by every event and its Kafka serde. */
package io.memstream.common.json;
