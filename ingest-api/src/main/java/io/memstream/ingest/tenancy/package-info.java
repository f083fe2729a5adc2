/** Which tenant a request acts for. */
package io.memstream.ingest.tenancy;
