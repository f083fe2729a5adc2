package io.memstream.common.events;

import java.util.Objects;

/**
 * One change to a user's facts, as published on the facts changelog topic. Postgres is written from
 * these events, and other services may subscribe to them ("user X now prefers Y").
 *
 * @param current the key's value after the change; null only when the memory was deleted
 * @param retired the value that went to history with this change: the superseded, edited or
 *     deleted fact, or the rejected candidate; null when nothing did
 */
public record FactEvent(Change change, Fact current, Fact retired) {

    public enum Change {
        /** First value for the key. */
        CREATED,
        /** The same value seen again with new evidence: confidence and sources grew. */
        REINFORCED,
        /** A different value replaced the current one, which went to history. */
        SUPERSEDED,
        /** A different value lost to the current one and went to history as rejected. */
        REJECTED,
        /** A user edited the current value; the value before the edit went to history. */
        EDITED,
        /** A user deleted the memory: the key has no current value, and the old one is in history. */
        DELETED,
        /** The user was erased: the key's row and its history are gone; {@code retired} names the key. */
        ERASED,
        /** A rebuild forgot the learned value (no history: the rebuild derives the key again). */
        RESET
    }

    public FactEvent {
        Objects.requireNonNull(change, "change");
        if (change != Change.DELETED && change != Change.ERASED && change != Change.RESET) {
            Objects.requireNonNull(current, "current");
        }
        if (change != Change.CREATED && change != Change.REINFORCED && retired == null) {
            throw new IllegalArgumentException(change + " needs the retired value");
        }
    }

    /** The key that changed, whether or not it still has a value. */
    public FactKey factKey() {
        return current != null ? current.factKey() : retired.factKey();
    }
}
