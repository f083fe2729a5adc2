package io.memstream.ingest.workingmemory;

import io.memstream.common.events.Ids;
import io.memstream.common.events.Namespaces;
import io.memstream.common.events.Turn;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.tenancy.ErasedUserGuard;
import io.memstream.ingest.turns.TurnLog;
import io.memstream.ingest.web.ClockSkew;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

/** Reads and merges sessions; publishes each message the first time it reaches working memory. */
@Service
class WorkingMemoryService {

    private final WorkingMemoryStore store;
    private final TurnLog turns;
    private final TokenCounter tokens;
    private final WorkingMemorySettings settings;
    private final Summarization summarization;
    private final Clock clock;
    private final MemoryPromotion promotion;
    private final ErasedUserGuard erased;

    WorkingMemoryService(
            WorkingMemoryStore store,
            TurnLog turns,
            TokenCounter tokens,
            WorkingMemorySettings settings,
            Summarization summarization,
            Clock clock,
            MemoryPromotion promotion,
            ErasedUserGuard erased) {
        this.store = store;
        this.turns = turns;
        this.tokens = tokens;
        this.settings = settings;
        this.summarization = summarization;
        this.clock = clock;
        this.promotion = promotion;
        this.erased = erased;
    }

    /** The session a caller names; a user-bound key can only name its own user's sessions. */
    static SessionRef ref(Caller caller, String sessionId, String namespace, String userId) {
        return new SessionRef(caller.tenant(), Namespaces.orDefault(namespace), caller.userId(userId), sessionId);
    }

    Optional<WorkingMemoryResponse> get(SessionRef ref, Integer window, Integer recentMessagesLimit) {
        Instant now = clock.instant();
        if (!settings.slidingTtl()) {
            // Without a TTL to slide the access needs nothing from the session: one round trip for both.
            return store.loadAndTouch(ref, now).map(session -> view(ref, session, window, recentMessagesLimit));
        }
        return store.load(ref).map(session -> {
            store.touch(ref, now, session.meta().ttlSeconds(), settings.slidingTtl());
            StoredSession accessed =
                    new StoredSession(session.meta(), session.context(), session.messages(), now, session.generation());
            return view(ref, accessed, window, recentMessagesLimit);
        });
    }

    /** PUT: messages merged, every other field given replaces the stored one. */
    WorkingMemoryResponse put(SessionRef ref, UpdateWorkingMemory update, Integer window) {
        erased.requireNotErased(ref.tenant(), ref.userId());
        Instant now = clock.instant();
        List<MemoryMessage> messages = withDefaults(update.messages(), now);
        Optional<StoredSession> existing = store.load(ref);
        promotion.promote(ref, update.memories());
        publishNew(ref, messages, now);
        SessionMeta meta = existing.map(StoredSession::meta).orElseGet(() -> SessionMeta.fresh(now));
        store.merge(
                ref,
                meta.updatedBy(update, now),
                true,
                update.context(),
                messages,
                settings.maxMessages(),
                now,
                Ids.newUlid());
        return afterWrite(ref, window);
    }

    /** Adds messages and nothing else: no stored field, not even the TTL, is rewritten. */
    WorkingMemoryResponse append(SessionRef ref, List<MemoryMessage> newMessages, Integer window) {
        erased.requireNotErased(ref.tenant(), ref.userId());
        Instant now = clock.instant();
        List<MemoryMessage> messages = withDefaults(newMessages, now);
        publishNew(ref, messages, now);
        store.merge(ref, SessionMeta.fresh(now), false, null, messages, settings.maxMessages(), now, Ids.newUlid());
        return afterWrite(ref, window);
    }

    private WorkingMemoryResponse afterWrite(SessionRef ref, Integer window) {
        StoredSession stored = store.load(ref)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.CONFLICT, "session '" + ref.sessionId() + "' was deleted while it was written"));
        if (window != null) {
            summarization.requestIfNeeded(ref, stored, window);
        }
        return view(ref, stored, window, null);
    }

    boolean delete(SessionRef ref) {
        return store.delete(ref);
    }

    SessionPage list(Caller caller, String namespace, String userId, int offset, int limit) {
        String scope = namespace == null ? null : Namespaces.orDefault(namespace);
        return store.list(caller.tenant(), scope, caller.userId(userId), offset, limit);
    }

    /** Ids default to new ULIDs; a repeated id within one request counts once. */
    private static List<MemoryMessage> withDefaults(List<MemoryMessage> messages, Instant now) {
        if (messages == null) {
            return List.of();
        }
        Map<String, MemoryMessage> byId = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            MemoryMessage m = messages.get(i).withDefaults(Ids.newUlid(), now, i);
            ClockSkew.requireNotFuture(m.createdAt(), now, "messages[" + i + "].created_at");
            byId.putIfAbsent(m.id(), m);
        }
        return List.copyOf(byId.values());
    }

    /**
     * Publishing comes before the Redis write: if the broker is down nothing is stored and the client
     * gets a 503; if Redis fails after publishing, the client's retry finds the same ids and the
     * pipeline recognises them.
     */
    private void publishNew(SessionRef ref, List<MemoryMessage> messages, Instant now) {
        Set<String> known = store.knownMessageIds(
                ref, messages.stream().map(MemoryMessage::id).toList());
        List<Turn> fresh = new ArrayList<>();
        for (MemoryMessage m : messages) {
            if (!known.contains(m.id())) {
                fresh.add(new Turn(
                        m.id(),
                        ref.tenant(),
                        ref.namespace(),
                        ref.userId().isEmpty() ? null : ref.userId(),
                        ref.sessionId(),
                        m.role(),
                        m.content(),
                        m.createdAt(),
                        now));
            }
        }
        turns.append(ref.tenant(), fresh);
    }

    private WorkingMemoryResponse view(SessionRef ref, StoredSession s, Integer window, Integer recentMessagesLimit) {
        List<MemoryMessage> messages = s.messages();
        if (recentMessagesLimit != null && messages.size() > recentMessagesLimit) {
            messages = messages.subList(messages.size() - recentMessagesLimit, messages.size());
        }
        Double totalUsed = null;
        Double untilSummarization = null;
        if (window != null) {
            int contextTokens = tokens.text(s.context());
            int used = contextTokens
                    + s.messages().stream().mapToInt(tokens::message).sum();
            totalUsed = percent(used, window);
            untilSummarization = percent(used, window * settings.summarizationThreshold());
            messages = newestThatFit(messages, window - contextTokens);
        }
        SessionMeta m = s.meta();
        return new WorkingMemoryResponse(
                ref.sessionId(),
                messages,
                m.memories(),
                m.data(),
                s.context(),
                ref.userId().isEmpty() ? null : ref.userId(),
                ref.namespace(),
                m.tokens(),
                m.longTermMemoryStrategy(),
                m.ttlSeconds(),
                s.lastAccessed(),
                m.createdAt(),
                m.updatedAt(),
                totalUsed,
                untilSummarization);
    }

    /** The most recent messages whose tokens fit in the budget, still oldest first. */
    private List<MemoryMessage> newestThatFit(List<MemoryMessage> messages, int budget) {
        int used = 0;
        int from = messages.size();
        while (from > 0) {
            int cost = tokens.message(messages.get(from - 1));
            if (used + cost > budget) {
                break;
            }
            used += cost;
            from--;
        }
        return messages.subList(from, messages.size());
    }

    private static double percent(double used, double of) {
        return Math.min(100.0, Math.round(10_000.0 * used / of) / 100.0);
    }
}
