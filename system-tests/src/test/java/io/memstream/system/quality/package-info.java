/**
 * The search-quality labelled set: the scripts it is written in, the generator that compiles them to
 * {@code labelled-set.json}, the model tests read it with, and the recall table
 * {@code SearchQualityIT} prints.
 */
package io.memstream.system.quality;
