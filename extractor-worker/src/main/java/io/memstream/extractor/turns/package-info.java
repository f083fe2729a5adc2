/** Consuming the turns topic and publishing what the extractor found. */
package io.memstream.extractor.turns;
