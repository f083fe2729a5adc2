/** Reading a user's learned facts from Postgres. */
package io.memstream.ingest.facts;
