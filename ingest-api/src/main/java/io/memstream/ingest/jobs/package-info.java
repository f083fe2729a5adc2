/** Replay jobs as the API shows them: started here, run by extractor-workers, tracked in Postgres. */
package io.memstream.ingest.jobs;
