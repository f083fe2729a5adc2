/** ingest-api: the REST API, the only writer of Redis working memory, the publisher of turns. */
package io.memstream.ingest;
