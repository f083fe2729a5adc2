package io.memstream.ingest.longterm;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param similarityThreshold with dedup on, a new free-text memory whose cosine similarity to an
 *     existing one of the same user and namespace reaches this is merged into it; 0 turns it off and
 *     leaves dedup to the content hash alone
 * @param queryCacheSize search query vectors kept (the most asked), so that a repeated query
 *     is embedded once; 0 embeds every query
 */
@ConfigurationProperties("memstream.long-term")
record LongTermSettings(
        @DefaultValue("0") double similarityThreshold,
        @DefaultValue("4096") int queryCacheSize) {

    LongTermSettings {
        if (similarityThreshold < 0 || similarityThreshold > 1) {
            throw new IllegalArgumentException("memstream.long-term.similarity-threshold must be between 0 and 1");
        }
        if (queryCacheSize < 0) {
            throw new IllegalArgumentException("memstream.long-term.query-cache-size must not be negative");
        }
    }
}
