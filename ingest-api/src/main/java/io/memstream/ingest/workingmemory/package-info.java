/**
 * Working memory (the AMS v1 surface): each session's messages, data and summary in Redis. Messages
 * are merged by id, never replaced, so concurrent writers lose nothing; every message that reaches
 * working memory for the first time is published to the turns topic.
 */
package io.memstream.ingest.workingmemory;
