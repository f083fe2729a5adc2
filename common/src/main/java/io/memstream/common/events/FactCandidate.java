package io.memstream.common.events;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * One input to dedup for a key: something an extractor believes about a user, with the evidence for
 * it, or a user's edit or deletion of a memory. Dedup decides whether an observation becomes,
 * reinforces, replaces or loses to the current fact under the same key; edits and deletions travel
 * in the same stream so that every later decision sees them.
 *
 * @param value the attribute's value as JSON (usually a string)
 * @param text a standalone statement about the user, for search and prompts
 * @param confidence how sure the extractor is, 0 to 1
 * @param sourceTurnIds the turns this was read from; evidence already counted is never counted twice
 * @param extractor which extractor and prompt version produced it, e.g. {@code rules/1}
 * @param observedAt when the user said it (the turn time), which orders contradicting values
 * @param eventDate for an episodic memory, the day it happened; null otherwise
 * @param operation what the input asks of dedup; null means {@link Operation#OBSERVE}
 * @param memoryId for a new memory, the id it should get (a client's own id); for an edit or a
 *     deletion, the memory it was made against, so that one made against a value that has since
 *     been replaced does not touch the new value. Null lets dedup derive the id.
 * @param pinned a pinned memory is never forgotten by a policy; null keeps what the key has
 * @param jobId the replay job that produced it; null for live extraction and user writes
 */
public record FactCandidate(
        String candidateId,
        FactKey factKey,
        JsonNode value,
        String text,
        String memoryType,
        List<String> topics,
        List<String> entities,
        double confidence,
        List<String> sourceTurnIds,
        String sessionId,
        String extractor,
        Instant observedAt,
        LocalDate eventDate,
        Operation operation,
        String memoryId,
        Boolean pinned,
        String jobId) {

    /** What an input asks of dedup. */
    public enum Operation {
        /** Evidence for a value, to be merged by confidence and recency. */
        OBSERVE,
        /** A user's change to the memory named by {@code memoryId}; it becomes certain. */
        EDIT,
        /** A user's deletion of the memory named by {@code memoryId}; its evidence stays counted. */
        DELETE,
        /** The user was erased: the key's state goes, evidence and all, and so do its rows. */
        ERASE,
        /**
         * A rebuild starts over: a learned value is forgotten with its evidence, so the replay that
         * follows counts every turn afresh. What the user set or deleted stays.
         */
        RESET
    }

    public FactCandidate {
        Objects.requireNonNull(candidateId, "candidateId");
        Objects.requireNonNull(factKey, "factKey");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(observedAt, "observedAt");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1, was " + confidence);
        }
        memoryType = memoryType == null ? "semantic" : memoryType;
        topics = topics == null ? List.of() : List.copyOf(topics);
        entities = entities == null ? List.of() : List.copyOf(entities);
        sourceTurnIds = sourceTurnIds == null ? List.of() : List.copyOf(sourceTurnIds);
        operation = operation == null ? Operation.OBSERVE : operation;
        if ((operation == Operation.EDIT || operation == Operation.DELETE) && memoryId == null) {
            throw new IllegalArgumentException(operation + " needs the id of the memory it changes");
        }
    }

    public FactCandidate(
            String candidateId,
            FactKey factKey,
            JsonNode value,
            String text,
            String memoryType,
            List<String> topics,
            List<String> entities,
            double confidence,
            List<String> sourceTurnIds,
            String sessionId,
            String extractor,
            Instant observedAt,
            LocalDate eventDate,
            Operation operation,
            String memoryId,
            Boolean pinned) {
        this(
                candidateId,
                factKey,
                value,
                text,
                memoryType,
                topics,
                entities,
                confidence,
                sourceTurnIds,
                sessionId,
                extractor,
                observedAt,
                eventDate,
                operation,
                memoryId,
                pinned,
                null);
    }

    /**
     * A command that carries no value: a deletion (of {@code memoryId}), an erasure or a reset.
     *
     * @param evidence its own id counts as evidence for a deletion, so a redelivered one is recognised
     */
    public static FactCandidate command(
            Operation operation, String id, FactKey key, String memoryId, String issuer, Instant at, boolean evidence) {
        return new FactCandidate(
                id,
                key,
                StringNode.valueOf(""),
                "",
                null,
                List.of(),
                List.of(),
                1.0,
                evidence ? List.of(id) : List.of(),
                null,
                issuer,
                at,
                null,
                operation,
                memoryId,
                null,
                null);
    }

    /** The same candidate, tagged with the replay job that produced it. */
    public FactCandidate forJob(String job) {
        return new FactCandidate(
                candidateId,
                factKey,
                value,
                text,
                memoryType,
                topics,
                entities,
                confidence,
                sourceTurnIds,
                sessionId,
                extractor,
                observedAt,
                eventDate,
                operation,
                memoryId,
                pinned,
                job);
    }

    /** An observation, as the extractors make them. */
    public FactCandidate(
            String candidateId,
            FactKey factKey,
            JsonNode value,
            String text,
            String memoryType,
            List<String> topics,
            List<String> entities,
            double confidence,
            List<String> sourceTurnIds,
            String sessionId,
            String extractor,
            Instant observedAt,
            LocalDate eventDate) {
        this(
                candidateId,
                factKey,
                value,
                text,
                memoryType,
                topics,
                entities,
                confidence,
                sourceTurnIds,
                sessionId,
                extractor,
                observedAt,
                eventDate,
                Operation.OBSERVE,
                null,
                null,
                null);
    }
}
