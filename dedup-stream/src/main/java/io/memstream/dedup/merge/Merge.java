package io.memstream.dedup.merge;

import io.memstream.common.events.FactEvent;

/**
 * The outcome of merging one candidate: the key's new state and the change to publish.
 *
 * @param state null when the key is to be forgotten (an erased user)
 */
public record Merge(FactState state, FactEvent event) {}
