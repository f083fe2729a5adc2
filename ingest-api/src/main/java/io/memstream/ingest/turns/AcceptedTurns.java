package io.memstream.ingest.turns;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.memstream.common.events.Turn;
import io.memstream.ingest.redis.RedisConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Remembers recently accepted turn ids, and which session each belongs to, so that a client's retry
 * is not published twice and an id reused by another session is refused instead of dropped. Ids are
 * remembered per user: one user can neither suppress another's turns by claiming their ids first
 * nor learn which ids another user has sent. It is a fast path, not the guarantee: if Redis is
 * unavailable the turn is published again, and the pipeline downstream recognises a turn id it has
 * already counted.
 */
@Component
class AcceptedTurns {

    private static final Logger log = LoggerFactory.getLogger(AcceptedTurns.class);

    private final RedisConnection redis;
    private final Duration memory;

    AcceptedTurns(RedisConnection redis, @Value("${memstream.ingest.idempotency-window:7d}") Duration memory) {
        this.redis = redis;
        this.memory = memory;
    }

    /**
     * The turns among these accepted before, by {@link #identity}, each with the session it was
     * accepted for.
     */
    Map<String, String> alreadyAccepted(String tenant, List<Turn> turns) {
        try {
            Map<String, String> seen = new HashMap<>();
            String[] keys = turns.stream().map(t -> key(tenant, t)).toArray(String[]::new);
            List<KeyValue<String, String>> found = redis.sync().mget(keys);
            for (int i = 0; i < found.size(); i++) {
                if (found.get(i).hasValue()) {
                    seen.put(identity(turns.get(i)), found.get(i).getValue());
                }
            }
            return seen;
        } catch (RedisException e) {
            log.warn("Redis unavailable for turn idempotency; publishing without the check: {}", e.getMessage());
            return Map.of();
        }
    }

    /**
     * Sends the ids to Redis without waiting for Redis to confirm them. Waiting was a quarter of a
     * single turn's time in the API and two fifths of a batch's (thread dumps under scripts/bench,
     * 2026-12-03) and bought nothing: the commands are queued on the one shared connection before
     * the 202 is written, and Redis runs a connection's commands in order, so a retry this instance
     * gets after that 202 is checked after they are stored. A failure only loses the fast path, as an
     * outage always did.
     */
    void remember(String tenant, List<Turn> turns) {
        try {
            SetArgs ttl = SetArgs.Builder.ex(memory);
            RedisAsyncCommands<String, String> async = redis.async();
            // Sent together: a batch of 50 turns costs one round trip, not 50.
            CompletableFuture<?>[] sets = turns.stream()
                    .map(t -> async.set(key(tenant, t), sessionOf(t), ttl).toCompletableFuture())
                    .toArray(CompletableFuture<?>[]::new);
            CompletableFuture.allOf(sets).exceptionally(e -> {
                log.warn("Redis did not store accepted turn ids; a retry may be published again: {}", e.getMessage());
                return null;
            });
        } catch (RedisException e) {
            log.warn("Redis unavailable; accepted turns not remembered for idempotency: {}", e.getMessage());
        }
    }

    static String sessionOf(Turn t) {
        return t.namespace() + "/" + t.sessionId();
    }

    /** A turn's id within its tenant: ids are unique per user ('/' cannot occur in either). */
    static String identity(Turn t) {
        return (t.userId() == null ? "" : t.userId()) + "/" + t.turnId();
    }

    private static String key(String tenant, Turn t) {
        return "memstream:{" + tenant + "}:accepted-turn:" + identity(t);
    }
}
