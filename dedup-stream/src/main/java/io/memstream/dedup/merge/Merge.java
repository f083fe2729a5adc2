package io.memstream.dedup.merge;

import io.memstream.common.events.FactEvent;

/** The outcome of merging one candidate: the key's new state and the change to publish. */
public record Merge(FactState state, FactEvent event) {}
