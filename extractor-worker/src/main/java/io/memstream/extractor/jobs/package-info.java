/**
 * Replay jobs: re-extraction of the retained turns topic over a scope with a chosen extractor, fed
 * into the same dedup stream as live extraction, with progress, cancellation and resumption.
 */
package io.memstream.extractor.jobs;
