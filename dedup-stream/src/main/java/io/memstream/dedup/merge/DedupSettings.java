package io.memstream.dedup.merge;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The merge rules' knobs.
 *
 * @param confidenceCap reinforcement never takes a learned fact above this (explicit writes may be 1.0)
 * @param supersedeRatio a newer different value replaces the current one only if its confidence is
 *     at least this fraction of the current confidence; weaker ones are kept in history as rejected
 * @param evidenceMemory how many already-counted source turn ids a key remembers, so that a
 *     redelivered or replayed candidate is recognised and not counted twice
 */
@ConfigurationProperties("memstream.dedup")
public record DedupSettings(
        @DefaultValue("0.99") double confidenceCap,
        @DefaultValue("0.5") double supersedeRatio,
        @DefaultValue("512") int evidenceMemory) {

    public static final DedupSettings DEFAULTS = new DedupSettings(0.99, 0.5, 512);

    public DedupSettings {
        if (confidenceCap <= 0 || confidenceCap > 1) {
            throw new IllegalArgumentException("memstream.dedup.confidence-cap must be in (0, 1]");
        }
        if (supersedeRatio < 0) {
            throw new IllegalArgumentException("memstream.dedup.supersede-ratio must not be negative");
        }
        if (evidenceMemory < 1) {
            throw new IllegalArgumentException("memstream.dedup.evidence-memory must be positive");
        }
    }
}
