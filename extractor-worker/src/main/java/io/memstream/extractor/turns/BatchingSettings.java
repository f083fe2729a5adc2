package io.memstream.extractor.turns;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How turns are grouped per session before extraction.
 *
 * @param maxTurns a session's batch is extracted once it has this many turns...
 * @param maxIdle ...or once no turn has arrived for it for this long
 * @param maxConcurrent extractions (LLM calls) running at once, across sessions
 * @param maxBuffered turns held in memory before the consumer pauses fetching
 * @param summaryChars the longest running summary of a session kept as context for the next batch
 */
@ConfigurationProperties("memstream.extractor.batch")
public record BatchingSettings(
        @DefaultValue("8") int maxTurns,
        @DefaultValue("300ms") Duration maxIdle,
        @DefaultValue("16") int maxConcurrent,
        @DefaultValue("10000") int maxBuffered,
        @DefaultValue("1000") int summaryChars) {

    public BatchingSettings {
        if (maxTurns < 1 || maxConcurrent < 1 || maxBuffered < maxTurns || summaryChars < 1) {
            throw new IllegalArgumentException("memstream.extractor.batch: sizes must be positive");
        }
    }
}
