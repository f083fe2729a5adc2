/** The extractor-worker: turns in, fact candidates out. */
package io.memstream.extractor;
