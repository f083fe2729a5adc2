package io.memstream.extractor.summaries;

import io.memstream.common.events.SummaryRequest;

/** Folds the messages leaving working memory into the session's running summary. */
public interface Summarizer {

    /** Identifies the summarizer and its version; travels with every summary. */
    String id();

    String summarize(SummaryRequest request);
}
