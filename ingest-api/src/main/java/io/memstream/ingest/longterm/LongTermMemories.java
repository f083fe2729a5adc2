package io.memstream.ingest.longterm;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactCandidate.Operation;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.Ids;
import io.memstream.common.events.MemoryKeys;
import io.memstream.common.events.Namespaces;
import io.memstream.ingest.kafka.CandidatePublisher;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.tenancy.ErasedUserGuard;
import io.memstream.ingest.web.InvalidFieldException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * Writes to long-term memory. Nothing here writes the facts table: creations, edits and deletions
 * are published into the dedup stream, so they are ordered with everything learned for the same key
 * and later dedup decisions agree with them. They are visible once dedup-stream has applied them.
 */
@Service
public class LongTermMemories {

    static final String EXTRACTOR = "api";
    private static final Set<String> WRITABLE_TYPES = Set.of("semantic", "episodic");

    private final CandidatePublisher publisher;
    private final MemoryStore store;
    private final Embedder embedder;
    private final LongTermSettings settings;
    private final Clock clock;
    private final ErasedUserGuard erased;
    private final RebuildGuard rebuilds;
    private final AccessLog accessLog;

    LongTermMemories(
            CandidatePublisher publisher,
            MemoryStore store,
            Embedder embedder,
            LongTermSettings settings,
            Clock clock,
            ErasedUserGuard erased,
            RebuildGuard rebuilds,
            AccessLog accessLog) {
        this.publisher = publisher;
        this.store = store;
        this.embedder = embedder;
        this.settings = settings;
        this.clock = clock;
        this.erased = erased;
        this.rebuilds = rebuilds;
        this.accessLog = accessLog;
    }

    /**
     * Publishes new memories. With {@code deduplicate}, the same text (and, if configured, a close
     * enough meaning) within a user and namespace is one memory.
     *
     * @param field the request field holding the records, for error messages
     */
    public void create(Caller caller, List<MemoryRecord> records, boolean deduplicate, String field) {
        Instant now = clock.instant();
        List<FactCandidate> candidates = new ArrayList<>(records.size());
        List<MemoryRecord> rewrites = new ArrayList<>();
        List<String> rewriteUsers = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            MemoryRecord r = records.get(i);
            FactCandidate candidate = candidate(caller, r, deduplicate, field + "[" + i + "]", now);
            if (rewritesExisting(caller, candidate, r)) {
                rewrites.add(r);
                rewriteUsers.add(candidate.factKey().userId());
            } else {
                candidates.add(candidate);
            }
        }
        // A create that names an existing memory of the user with other text, or in another
        // namespace, is an edit (or move) of it, not a second memory with the same id: as in AMS,
        // where the id is the memory's key.
        for (int i = 0; i < rewrites.size(); i++) {
            MemoryRecord r = rewrites.get(i);
            patch(caller, r.id(), MemoryAddress.ofUser(rewriteUsers.get(i)), MemoryPatch.from(r));
        }
        if (deduplicate && settings.similarityThreshold() > 0) {
            candidates = mergeIntoSimilar(candidates);
        }
        publisher.publish(candidates);
    }

    private FactCandidate candidate(Caller caller, MemoryRecord r, boolean deduplicate, String field, Instant now) {
        if (r.text() == null || r.text().isBlank()) {
            throw new InvalidFieldException(field + ".text", "is required");
        }
        String type = memoryType(field + ".memory_type", r.memoryType());
        String user = Objects.requireNonNullElse(caller.userId(r.userId()), "");
        erased.requireNotErased(caller.tenant(), user);
        String namespace = Namespaces.orDefault(r.namespace());
        String id = r.id() == null || r.id().isBlank() ? Ids.newUlid() : r.id();
        String key = deduplicate ? MemoryKeys.forText(r.text()) : MemoryKeys.forId(id);
        // A client's own id (or the messages it cites) makes a retried create count once.
        List<String> evidence =
                r.extractedFrom() != null && !r.extractedFrom().isEmpty() ? r.extractedFrom() : List.of("memory:" + id);
        return new FactCandidate(
                "memory:" + id,
                new FactKey(caller.tenant(), user, namespace, key),
                StringNode.valueOf(r.text()),
                r.text(),
                type,
                r.topics(),
                r.entities(),
                1.0,
                evidence,
                r.sessionId(),
                EXTRACTOR,
                r.createdAt() != null ? r.createdAt() : now,
                MemoryStore.date(r.eventDate()),
                Operation.OBSERVE,
                id,
                r.pinned());
    }

    private boolean rewritesExisting(Caller caller, FactCandidate candidate, MemoryRecord r) {
        if (r.id() == null || r.id().isBlank()) {
            return false;
        }
        FactKey key = candidate.factKey();
        return store.stored(caller.tenant(), r.id()).stream()
                .filter(m -> !m.isMessage())
                .filter(m -> m.key().userId().equals(key.userId()))
                .anyMatch(m -> !m.key().namespace().equals(key.namespace())
                        || !m.record().text().equals(r.text()));
    }

    /** Points each new memory that means the same as a stored one at that memory's key and value. */
    private List<FactCandidate> mergeIntoSimilar(List<FactCandidate> candidates) {
        List<float[]> vectors =
                embedder.embedAll(candidates.stream().map(FactCandidate::text).toList());
        List<FactCandidate> out = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            FactCandidate c = candidates.get(i);
            out.add(store.mostSimilar(c.factKey(), vectors.get(i), embedder.name(), 1 - settings.similarityThreshold())
                    .map(similar -> retarget(c, similar))
                    .orElse(c));
        }
        return out;
    }

    private static FactCandidate retarget(FactCandidate c, StoredMemory similar) {
        return new FactCandidate(
                c.candidateId(),
                similar.key(),
                similar.value(),
                similar.record().text(),
                c.memoryType(),
                c.topics(),
                c.entities(),
                c.confidence(),
                c.sourceTurnIds(),
                c.sessionId(),
                c.extractor(),
                c.observedAt(),
                c.eventDate(),
                Operation.OBSERVE,
                similar.record().id(),
                c.pinned());
    }

    /**
     * The memory with this id as the caller may see it.
     *
     * @param address what narrows the id, when it names several memories
     */
    Optional<MemoryRecord> get(Caller caller, String id, MemoryAddress address) {
        Optional<MemoryRecord> found =
                oneMemory(id, owned(caller, address, store.byId(caller.tenant(), id), m -> m), m -> m).stream()
                        .findFirst();
        found.filter(m -> !"message".equals(m.memoryType()))
                .ifPresent(m -> accessLog.record(caller.tenant(), List.of(m), clock.instant()));
        return found;
    }

    /** Publishes the edit and answers with the memory as it will read once dedup has applied it. */
    MemoryRecord patch(Caller caller, String id, MemoryAddress address, MemoryPatch patch) {
        if (patch.isEmpty()) {
            throw new InvalidFieldException(
                    "body",
                    "give at least one of text, topics, entities, memory_type, namespace, user_id, session_id,"
                            + " event_date, pinned");
        }
        StoredMemory stored = find(caller, id, address);
        rebuilds.requireNotRebuilding(stored.key());
        if (stored.isMessage()) {
            throw new InvalidFieldException("id", "names a conversation message, which cannot be edited");
        }
        MemoryRecord old = stored.record();
        String text = patch.text() != null ? patch.text() : old.text();
        String type = patch.memoryType() != null ? memoryType("memory_type", patch.memoryType()) : old.memoryType();
        String user =
                patch.userId() != null ? caller.userId(patch.userId()) : Objects.requireNonNullElse(old.userId(), "");
        String namespace = patch.namespace() != null ? Namespaces.orDefault(patch.namespace()) : old.namespace();
        FactKey oldKey = stored.key();
        boolean freeText = MemoryKeys.isFreeText(oldKey.key());
        JsonNode value = freeText ? StringNode.valueOf(text) : stored.value();
        // A key made from the text follows the text, so the old text can be stored again later and
        // the new one is recognised as a duplicate.
        String keyName = MemoryKeys.isContentKey(oldKey.key()) ? MemoryKeys.forText(text) : oldKey.key();
        boolean moves =
                !user.equals(oldKey.userId()) || !namespace.equals(oldKey.namespace()) || !keyName.equals(oldKey.key());
        Instant now = clock.instant();
        String editId = "edit:" + Ids.newUlid();
        FactKey newKey = moves ? new FactKey(oldKey.tenantId(), user, namespace, keyName) : oldKey;
        FactCandidate change = new FactCandidate(
                editId,
                newKey,
                value,
                text,
                type,
                patch.topics() != null ? patch.topics() : old.topics(),
                patch.entities() != null ? patch.entities() : old.entities(),
                1.0,
                List.of(editId),
                patch.sessionId() != null ? patch.sessionId() : old.sessionId(),
                EXTRACTOR,
                now,
                MemoryStore.date(patch.eventDate() != null ? patch.eventDate() : old.eventDate()),
                moves ? Operation.OBSERVE : Operation.EDIT,
                id,
                patch.pinned() != null ? patch.pinned() : old.pinned());
        List<FactCandidate> commands = new ArrayList<>();
        commands.add(change);
        if (moves) {
            // Moving to another user, namespace or content key is a new memory under the new key
            // (same id) and a deletion under the old one, in that order.
            commands.add(deletion(oldKey, id, now));
        }
        publisher.publish(commands);
        return new MemoryRecord(
                id,
                text,
                change.sessionId(),
                user.isEmpty() ? null : user,
                namespace,
                old.lastAccessed(),
                moves ? now : old.createdAt(),
                now,
                change.pinned(),
                old.accessCount(),
                change.topics(),
                change.entities(),
                MemoryKeys.contentHash(text),
                old.discreteMemoryExtracted(),
                type,
                old.persistedAt(),
                old.extractedFrom(),
                patch.eventDate() != null ? patch.eventDate() : old.eventDate(),
                old.extractionStrategy(),
                old.extractionStrategyConfig(),
                old.metadata());
    }

    /** Returns how many of the ids named a memory the caller may delete. */
    int delete(Caller caller, List<String> ids, MemoryAddress address) {
        Instant now = clock.instant();
        List<FactCandidate> deletions = new ArrayList<>();
        List<MemoryRecord> turns = new ArrayList<>();
        for (String id : ids) {
            for (StoredMemory m : stored(caller, id, address)) {
                if (m.isMessage()) {
                    turns.add(m.record());
                } else {
                    rebuilds.requireNotRebuilding(m.key());
                    deletions.add(deletion(m.key(), id, now));
                }
            }
        }
        publisher.publish(deletions);
        return deletions.size() + store.deleteTurns(caller.tenant(), turns);
    }

    /** Publishes deletions of memories the forget policy chose (already scoped to the caller). */
    void forget(List<StoredMemory> chosen) {
        chosen.forEach(m -> rebuilds.requireNotRebuilding(m.key()));
        Instant now = clock.instant();
        publisher.publish(chosen.stream()
                .map(m -> deletion(m.key(), m.record().id(), now))
                .toList());
    }

    private static FactCandidate deletion(FactKey key, String id, Instant now) {
        return FactCandidate.command(Operation.DELETE, "delete:" + Ids.newUlid(), key, id, EXTRACTOR, now, true);
    }

    private StoredMemory find(Caller caller, String id, MemoryAddress address) {
        return stored(caller, id, address).stream()
                .findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no memory with id " + id));
    }

    private List<StoredMemory> stored(Caller caller, String id, MemoryAddress address) {
        return oneMemory(
                id,
                owned(caller, address, store.stored(caller.tenant(), id), StoredMemory::record),
                StoredMemory::record);
    }

    /**
     * The memories with an id that the caller may touch: a user-bound key only its user's (others are
     * as absent as another tenant's), a tenant-wide key those of the user it names, or all; within
     * the namespace and session the address names, if it does.
     */
    private static <T> List<T> owned(
            Caller caller, MemoryAddress address, List<T> found, Function<T, MemoryRecord> record) {
        String user = caller.userId(address.userId());
        return found.stream()
                .filter(m -> user == null || user.equals(userOf(record.apply(m))))
                .filter(m -> address.admits(record.apply(m)))
                .toList();
    }

    /**
     * Ids are the clients', so one can name several memories: an id two users have used names no one
     * memory, and is answered with a conflict rather than with either user's (one of them could have
     * planted it); so is an id one user holds in two namespaces (two creates racing to dedup), or for
     * a memory and a conversation turn.
     */
    private static <T> List<T> oneMemory(String id, List<T> found, Function<T, MemoryRecord> record) {
        long users = found.stream().map(m -> userOf(record.apply(m))).distinct().count();
        if (users > 1) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "memory id " + id + " is used by " + users + " users of this tenant: name one with user_id=");
        }
        List<String> places = found.stream()
                .map(m -> MemoryAddress.placeOf(record.apply(m)))
                .distinct()
                .sorted()
                .toList();
        if (places.size() > 1) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "memory id " + id + " names " + places.size() + " memories (" + String.join("; ", places)
                            + "): name one with namespace=, or a turn with session_id=");
        }
        return found;
    }

    private static String userOf(MemoryRecord m) {
        return Objects.requireNonNullElse(m.userId(), "");
    }

    private static String memoryType(String field, String type) {
        if (type == null) {
            return "semantic";
        }
        if (!WRITABLE_TYPES.contains(type)) {
            throw new InvalidFieldException(
                    field,
                    "must be semantic or episodic ('message' memories are conversation turns: post them to"
                            + " /v1/turns or working memory)");
        }
        return type;
    }
}
