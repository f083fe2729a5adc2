/** Problem details for every error at the edge. */
package io.memstream.ingest.web;
