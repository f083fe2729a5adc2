package io.memstream.ingest.workingmemory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxMessages the most messages a session keeps; older ones leave working memory (they stay
 *     in the turns topic and in Postgres)
 * @param slidingTtl whether reading a session restarts its TTL
 * @param summarizationThreshold the share of the context window at which the oldest messages are
 *     folded into the summary
 */
@ConfigurationProperties("memstream.working-memory")
record WorkingMemorySettings(
        @DefaultValue("1000") int maxMessages,
        @DefaultValue("false") boolean slidingTtl,
        @DefaultValue("0.7") double summarizationThreshold) {

    WorkingMemorySettings {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("memstream.working-memory.max-messages must be positive");
        }
        if (summarizationThreshold <= 0 || summarizationThreshold > 1) {
            throw new IllegalArgumentException("memstream.working-memory.summarization-threshold must be in (0, 1]");
        }
    }
}
