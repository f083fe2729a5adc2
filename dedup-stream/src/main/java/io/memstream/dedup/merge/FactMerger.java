package io.memstream.dedup.merge;

import io.memstream.common.events.Fact;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactCandidate.Operation;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactEvent.Change;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.Ids;
import io.memstream.common.events.MemoryKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The merge rules, free of Kafka: the same value reinforces, a different value supersedes or is
 * rejected by confidence and recency, and evidence already counted changes nothing.
 */
public final class FactMerger {

    /** The confidence of what a user states through the API, and of nothing learned. */
    public static final double EXPLICIT = 1.0;

    private final DedupSettings settings;

    public FactMerger(DedupSettings settings) {
        this.settings = settings;
    }

    /**
     * Empty when the input changes nothing: all its evidence was already counted, or it edits or
     * deletes a memory the key no longer holds.
     */
    public Optional<Merge> merge(FactState state, FactCandidate candidate) {
        if (candidate.operation() == Operation.ERASE) {
            return erase(state, candidate);
        }
        if (candidate.operation() == Operation.RESET) {
            return reset(state, candidate);
        }
        if (state == null) {
            if (candidate.operation() != Operation.OBSERVE) {
                return Optional.empty();
            }
            Fact created = newFact(candidate);
            return Optional.of(new Merge(
                    new FactState(created, remember(List.of(), candidate.sourceTurnIds())),
                    new FactEvent(Change.CREATED, created, null)));
        }
        List<String> newEvidence = candidate.sourceTurnIds().stream()
                .filter(id -> !state.countedEvidence().contains(id))
                .toList();
        if (!candidate.sourceTurnIds().isEmpty() && newEvidence.isEmpty()) {
            return Optional.empty();
        }
        List<String> counted = remember(state.countedEvidence(), newEvidence);
        return switch (candidate.operation()) {
            case OBSERVE -> Optional.of(observe(state.current(), candidate, newEvidence, counted));
            case EDIT -> edit(state.current(), candidate, counted);
            case DELETE -> delete(state.current(), candidate, counted);
            case ERASE, RESET -> throw new IllegalStateException(candidate.operation() + " is handled first");
        };
    }

    private Merge observe(Fact current, FactCandidate candidate, List<String> newEvidence, List<String> counted) {
        if (current == null) {
            // The user deleted this key's memory; new evidence may teach it again (old evidence stays counted).
            Fact created = newFact(candidate);
            return new Merge(new FactState(created, counted), new FactEvent(Change.CREATED, created, null));
        }
        if (sameValue(current.value(), candidate.value())) {
            Fact reinforced = reinforce(current, candidate, newEvidence);
            return new Merge(new FactState(reinforced, counted), new FactEvent(Change.REINFORCED, reinforced, null));
        }
        if (supersedes(candidate, current)) {
            Fact replacement = newFact(candidate);
            return new Merge(
                    new FactState(replacement, counted),
                    new FactEvent(Change.SUPERSEDED, replacement, current.endedAt(candidate.observedAt())));
        }
        Fact rejected = newFact(candidate).endedAt(candidate.observedAt());
        return new Merge(new FactState(current, counted), new FactEvent(Change.REJECTED, current, rejected));
    }

    /**
     * An edit made against the current memory replaces its fields and makes it certain, so nothing
     * merely learned overwrites what the user corrected. One made against a value that has since been
     * replaced is kept in history as rejected.
     */
    private Optional<Merge> edit(Fact current, FactCandidate edit, List<String> counted) {
        if (current == null) {
            return Optional.empty();
        }
        if (!current.factId().equals(edit.memoryId())) {
            Fact rejected = newFact(edit).endedAt(edit.observedAt());
            return Optional.of(
                    new Merge(new FactState(current, counted), new FactEvent(Change.REJECTED, current, rejected)));
        }
        boolean sameValue = sameValue(current.value(), edit.value());
        Fact edited = new Fact(
                current.factId(),
                current.factKey(),
                edit.value(),
                edit.text(),
                edit.memoryType(),
                edit.topics(),
                edit.entities(),
                EXPLICIT,
                current.sourceTurnIds(),
                sameValue ? current.validFrom() : edit.observedAt(),
                null,
                latest(current.lastSeenAt(), edit.observedAt()),
                edit.sessionId() != null ? edit.sessionId() : current.sessionId(),
                edit.eventDate() != null ? edit.eventDate() : current.eventDate(),
                edit.pinned() != null ? edit.pinned() : current.pinned(),
                current.extractor());
        return Optional.of(new Merge(
                new FactState(edited, counted),
                new FactEvent(Change.EDITED, edited, current.endedAt(edit.observedAt()))));
    }

    /**
     * Erasing a user forgets the key entirely (its state becomes null, so the store drops it). Their
     * turns cannot bring it back through a replay: replays skip erased users.
     */
    private static Optional<Merge> erase(FactState state, FactCandidate erasure) {
        if (state == null) {
            return Optional.empty();
        }
        // The event names the key only: the changelog must not carry a new copy of what is erased.
        Fact gone = newFact(erasure).endedAt(erasure.observedAt());
        return Optional.of(new Merge(null, new FactEvent(Change.ERASED, null, gone)));
    }

    /**
     * A rebuild forgets what was learned for the key, evidence and all, so its replay counts each turn
     * again from nothing. A value the user set or edited (certain) and a deletion (no current value,
     * its evidence counted) are the user's, and stay.
     */
    private static Optional<Merge> reset(FactState state, FactCandidate reset) {
        if (state == null || state.current() == null || state.current().confidence() >= EXPLICIT) {
            return Optional.empty();
        }
        return Optional.of(new Merge(
                null, new FactEvent(Change.RESET, null, state.current().endedAt(reset.observedAt()))));
    }

    /**
     * Deleting keeps the turns counted as evidence, so a replay of old turns does not bring the memory
     * back. Creates through the API are forgotten, so the user can create the same memory again.
     */
    private static Optional<Merge> delete(Fact current, FactCandidate deletion, List<String> counted) {
        if (current == null || !current.factId().equals(deletion.memoryId())) {
            return Optional.empty();
        }
        List<String> turns =
                counted.stream().filter(e -> !MemoryKeys.isApiEvidence(e)).toList();
        return Optional.of(new Merge(
                new FactState(null, turns),
                new FactEvent(Change.DELETED, null, current.endedAt(deletion.observedAt()))));
    }

    /**
     * Newer statements win unless they are much less certain than what we already hold. A value the
     * user set explicitly (confidence 1.0; learned facts are capped below it) yields only to another
     * explicit write, never to something merely learned.
     */
    private boolean supersedes(FactCandidate candidate, Fact current) {
        if (current.confidence() >= EXPLICIT && candidate.confidence() < EXPLICIT) {
            return false;
        }
        return !candidate.observedAt().isBefore(current.lastSeenAt())
                && candidate.confidence() >= settings.supersedeRatio() * current.confidence();
    }

    private Fact reinforce(Fact current, FactCandidate candidate, List<String> newEvidence) {
        // Noisy-OR: independent pieces of evidence for the same value make it more certain.
        double combined = 1 - (1 - current.confidence()) * (1 - candidate.confidence());
        double cap = Math.max(settings.confidenceCap(), Math.max(current.confidence(), candidate.confidence()));
        // The fact cites its most recent evidence only, so its record stays bounded however often
        // the user repeats it; the confidence keeps what older evidence contributed.
        List<String> sources = lastN(current.sourceTurnIds(), newEvidence);
        Instant lastSeen = latest(current.lastSeenAt(), candidate.observedAt());
        return new Fact(
                current.factId(),
                current.factKey(),
                current.value(),
                current.text(),
                current.memoryType(),
                union(current.topics(), candidate.topics()),
                union(current.entities(), candidate.entities()),
                Math.min(cap, combined),
                sources,
                current.validFrom(),
                null,
                lastSeen,
                current.sessionId() != null ? current.sessionId() : candidate.sessionId(),
                current.eventDate() != null ? current.eventDate() : candidate.eventDate(),
                current.pinned() || Boolean.TRUE.equals(candidate.pinned()),
                current.extractor());
    }

    private static Fact newFact(FactCandidate c) {
        FactKey k = c.factKey();
        return new Fact(
                c.memoryId() != null
                        ? c.memoryId()
                        : Ids.derived(k.tenantId(), k.userId(), k.namespace(), k.key(), c.candidateId()),
                k,
                c.value(),
                c.text(),
                c.memoryType(),
                c.topics(),
                c.entities(),
                c.confidence(),
                c.sourceTurnIds(),
                c.observedAt(),
                null,
                c.observedAt(),
                c.sessionId(),
                c.eventDate(),
                Boolean.TRUE.equals(c.pinned()),
                c.extractor());
    }

    private List<String> remember(List<String> counted, List<String> added) {
        return lastN(counted, added);
    }

    private List<String> lastN(List<String> kept, List<String> added) {
        List<String> all = new ArrayList<>(kept);
        all.addAll(added);
        int excess = all.size() - settings.evidenceMemory();
        return excess > 0 ? List.copyOf(all.subList(excess, all.size())) : all;
    }

    /** Values are compared as people mean them: case, spacing and final punctuation do not matter. */
    static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isString() && b.isString()) {
            return normalize(a.asString()).equals(normalize(b.asString()));
        }
        return a.equals(b);
    }

    static String normalize(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("[.!?]+$", "");
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
