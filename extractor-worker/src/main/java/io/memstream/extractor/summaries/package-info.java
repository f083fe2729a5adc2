/** Progressive session summaries: previous summary plus the messages leaving working memory. */
package io.memstream.extractor.summaries;
