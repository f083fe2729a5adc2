package io.memstream.ingest.workingmemory;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.memstream.ingest.redis.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions in Redis (keys in {@link SessionRef#keys()}). Every write is one Lua script, atomic on
 * the shared, multiplexed connection; the keys of a session share a hash tag.
 */
@Repository
class WorkingMemoryStore {

    /*
     * Messages are only added if absent (HSETNX), so racing writers both keep theirs, and never if the
     * summary already folded them, so a client replaying its copy cannot undo a summary. A client
     * sending back the summary the pipeline has since replaced does not undo it either. Without
     * ARGV[2] = '1' (the append route) an existing meta and its TTL are left alone.
     */
    private static final String MERGE = """
            local exists = redis.call('EXISTS', KEYS[1]) == 1
            local replace = ARGV[2] == '1' or not exists
            if replace then redis.call('SET', KEYS[1], ARGV[1]) end
            if not exists then redis.call('SET', KEYS[8], ARGV[7]) end
            if ARGV[3] ~= '' and ARGV[3] ~= redis.call('GET', KEYS[7]) then redis.call('SET', KEYS[2], ARGV[3]) end
            redis.call('SET', KEYS[5], ARGV[6])
            local added = 0
            for i = 8, #ARGV, 3 do
              if redis.call('SISMEMBER', KEYS[6], ARGV[i]) == 0 and redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 2]) == 1 then
                redis.call('ZADD', KEYS[4], ARGV[i + 1], ARGV[i])
                added = added + 1
              end
            end
            local excess = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[5])
            if excess > 0 then
              local oldest = redis.call('ZPOPMIN', KEYS[4], excess)
              for j = 1, #oldest, 2 do
                redis.call('HDEL', KEYS[3], oldest[j])
                redis.call('SADD', KEYS[6], oldest[j])
              end
            end
            local pttl = redis.call('PTTL', KEYS[1])
            if replace then
              local ttl = tonumber(ARGV[4])
              if ttl > 0 then pttl = ttl * 1000 else pttl = -1 end
            end
            for k = 1, 8 do
              if pttl > 0 then redis.call('PEXPIRE', KEYS[k], pttl) else redis.call('PERSIST', KEYS[k]) end
            end
            return added
            """;

    private static final String TOUCH = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('SET', KEYS[5], ARGV[1], 'KEEPTTL')
            local ttl = tonumber(ARGV[2])
            if ttl > 0 then for k = 1, 8 do redis.call('EXPIRE', KEYS[k], ttl) end end
            return 1
            """;

    // Only for the incarnation it was made for; the folded ids are remembered so they stay folded.
    private static final String APPLY_SUMMARY = """
            if redis.call('GET', KEYS[8]) ~= ARGV[2] then return 0 end
            redis.call('DEL', KEYS[9])
            local replaced = redis.call('GET', KEYS[2])
            if replaced then redis.call('SET', KEYS[7], replaced) else redis.call('DEL', KEYS[7]) end
            redis.call('SET', KEYS[2], ARGV[1])
            for i = 3, #ARGV do
              redis.call('ZREM', KEYS[4], ARGV[i])
              redis.call('HDEL', KEYS[3], ARGV[i])
              redis.call('SADD', KEYS[6], ARGV[i])
            end
            local pttl = redis.call('PTTL', KEYS[1])
            if pttl > 0 then for k = 1, 8 do redis.call('PEXPIRE', KEYS[k], pttl) end end
            return 1
            """;

    // Sessions without a TTL sort after every expiring one and are never pruned.
    private static final double NEVER = 1e15;

    private final RedisConnection redis;
    private final JsonMapper json;

    WorkingMemoryStore(RedisConnection redis, JsonMapper json) {
        this.redis = redis;
        this.json = json;
    }

    Optional<StoredSession> load(SessionRef ref) {
        return read(ref, null);
    }

    /**
     * Reads the session and records the access in the same round trip (without sliding the TTL: that
     * needs the meta first, see {@link #touch}).
     */
    Optional<StoredSession> loadAndTouch(SessionRef ref, Instant now) {
        return read(ref, now);
    }

    /*
     * Every command is sent before any reply is awaited: one round trip instead of six (seven with the
     * access), so a request's thread is parked and scheduled again once, not once per command. The
     * whole hash is read rather than the ids the order names, because those would take a round trip
     * of their own; the store keeps both in step.
     */
    private Optional<StoredSession> read(SessionRef ref, Instant touchedAt) {
        RedisAsyncCommands<String, String> r = redis.async();
        RedisFuture<String> meta = r.get(ref.key("meta"));
        RedisFuture<List<String>> order = r.zrange(ref.key("order"), 0, -1);
        RedisFuture<Map<String, String>> byId = r.hgetall(ref.key("msgs"));
        RedisFuture<String> accessed = r.get(ref.key("accessed"));
        RedisFuture<String> context = r.get(ref.key("context"));
        RedisFuture<String> generation = r.get(ref.key("gen"));
        // The script does nothing for a session that does not exist.
        RedisFuture<Long> touched = touchedAt == null
                ? null
                : r.eval(TOUCH, ScriptOutputType.INTEGER, ref.keys(), Long.toString(touchedAt.toEpochMilli()), "0");
        String metaJson = redis.await(meta);
        List<String> ids = redis.await(order);
        Map<String, String> stored = redis.await(byId);
        String accessedMillis = redis.await(accessed);
        String summary = redis.await(context);
        String gen = redis.await(generation);
        if (touched != null) {
            redis.await(touched);
        }
        if (metaJson == null) {
            return Optional.empty();
        }
        List<MemoryMessage> messages = new ArrayList<>(ids.size());
        for (String id : ids) {
            String m = stored.get(id);
            if (m != null) {
                messages.add(json.readValue(m, MemoryMessage.class));
            }
        }
        Instant lastAccessed = touchedAt != null
                ? touchedAt
                : accessedMillis == null ? null : Instant.ofEpochMilli(Long.parseLong(accessedMillis));
        return Optional.of(
                new StoredSession(json.readValue(metaJson, SessionMeta.class), summary, messages, lastAccessed, gen));
    }

    /** Ids the session holds now or has folded into its summary: neither is new. */
    Set<String> knownMessageIds(SessionRef ref, List<String> ids) {
        Set<String> found = new HashSet<>();
        if (ids.isEmpty()) {
            return found;
        }
        String[] asArray = ids.toArray(String[]::new);
        RedisAsyncCommands<String, String> r = redis.async();
        RedisFuture<List<KeyValue<String, String>>> heldReply = r.hmget(ref.key("msgs"), asArray);
        RedisFuture<List<Boolean>> foldedReply = r.smismember(ref.key("folded"), asArray);
        List<KeyValue<String, String>> held = redis.await(heldReply);
        List<Boolean> folded = redis.await(foldedReply);
        for (int i = 0; i < ids.size(); i++) {
            if (held.get(i).hasValue() || Boolean.TRUE.equals(folded.get(i))) {
                found.add(ids.get(i));
            }
        }
        return found;
    }

    /**
     * Adds the messages not known yet and writes the summary if given; with {@code replaceMeta} also
     * the meta and its TTL. Messages are ordered by creation time.
     */
    long merge(
            SessionRef ref,
            SessionMeta meta,
            boolean replaceMeta,
            String context,
            List<MemoryMessage> messages,
            int maxMessages,
            Instant now,
            String newGeneration) {
        List<String> args = new ArrayList<>(7 + messages.size() * 3);
        args.add(json.writeValueAsString(meta));
        args.add(replaceMeta ? "1" : "0");
        args.add(context == null ? "" : context);
        args.add(Long.toString(meta.ttlSeconds() == null ? 0 : meta.ttlSeconds()));
        args.add(Integer.toString(maxMessages));
        args.add(Long.toString(now.toEpochMilli()));
        args.add(newGeneration);
        for (MemoryMessage m : messages) {
            args.add(m.id());
            // Microseconds since the epoch stay exact in a sorted-set score (a double) for millennia.
            args.add(Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, m.createdAt())));
            args.add(json.writeValueAsString(m));
        }
        Long added = redis.sync().eval(MERGE, ScriptOutputType.INTEGER, ref.keys(), args.toArray(String[]::new));
        index(ref, replaceMeta ? meta.ttlSeconds() : ttlOf(ref));
        return added;
    }

    /** Records an access; with a TTL and sliding on, the expiry starts again. */
    void touch(SessionRef ref, Instant now, Long ttlSeconds, boolean slideTtl) {
        long ttl = slideTtl && ttlSeconds != null ? ttlSeconds : 0;
        Long found = redis.sync()
                .eval(
                        TOUCH,
                        ScriptOutputType.INTEGER,
                        ref.keys(),
                        Long.toString(now.toEpochMilli()),
                        Long.toString(ttl));
        if (found == 1 && ttl > 0) {
            index(ref, ttl);
        }
    }

    /** One summary in flight per session: true if this caller may request it. */
    boolean tryLockSummarizing(SessionRef ref, Duration lease) {
        return "OK"
                .equals(redis.sync()
                        .set(ref.key("summarizing"), "1", SetArgs.Builder.nx().ex(lease)));
    }

    void unlockSummarizing(SessionRef ref) {
        redis.sync().del(ref.key("summarizing"));
    }

    /** False when the session is gone or is a newer incarnation than the summary was made for. */
    boolean applySummary(SessionRef ref, String generation, String summary, List<String> foldedMessageIds) {
        List<String> args = new ArrayList<>(2 + foldedMessageIds.size());
        args.add(summary);
        args.add(generation);
        args.addAll(foldedMessageIds);
        List<String> keys = new ArrayList<>(List.of(ref.keys()));
        keys.add(ref.key("summarizing"));
        Long applied = redis.sync()
                .eval(
                        APPLY_SUMMARY,
                        ScriptOutputType.INTEGER,
                        keys.toArray(String[]::new),
                        args.toArray(String[]::new));
        return applied == 1;
    }

    boolean delete(SessionRef ref) {
        RedisCommands<String, String> r = redis.sync();
        long removed = r.del(ref.keys());
        r.del(ref.key("summarizing"));
        for (String index : indexes(ref)) {
            r.zrem(index, ref.indexMember());
        }
        return removed > 0;
    }

    /** Deletes every session of a user, in every namespace; returns how many there were. */
    int deleteUser(String tenant, String userId) {
        List<String> members = redis.sync().zrange(indexKey(tenant, null, userId), 0, -1);
        int deleted = 0;
        for (String member : members) {
            String[] parts = member.split(SessionRef.SEP, 3);
            if (delete(new SessionRef(tenant, parts[0], parts[1], parts[2]))) {
                deleted++;
            }
        }
        return deleted;
    }

    SessionPage list(String tenant, String namespace, String userId, long offset, long limit) {
        RedisCommands<String, String> r = redis.sync();
        String index = indexKey(tenant, namespace, userId);
        // Expired sessions leave their index entries behind; drop them so the total is true.
        r.zremrangebyscore(index, Range.create(Double.NEGATIVE_INFINITY, (double)
                Instant.now().toEpochMilli()));
        long total = r.zcard(index);
        List<String> members = r.zrange(index, offset, offset + limit - 1);
        return new SessionPage(members.stream().map(SessionRef::sessionIdOf).toList(), total);
    }

    private Long ttlOf(SessionRef ref) {
        long seconds = redis.sync().ttl(ref.key("meta"));
        return seconds > 0 ? seconds : null;
    }

    private void index(SessionRef ref, Long ttlSeconds) {
        double expiresAt = ttlSeconds == null || ttlSeconds == 0
                ? NEVER
                : Instant.now().plusSeconds(ttlSeconds).toEpochMilli();
        RedisAsyncCommands<String, String> r = redis.async();
        // All four in one round trip.
        List<RedisFuture<Long>> added = new ArrayList<>(4);
        for (String index : indexes(ref)) {
            added.add(r.zadd(index, expiresAt, ref.indexMember()));
        }
        added.forEach(redis::await);
    }

    private static List<String> indexes(SessionRef ref) {
        List<String> all = new ArrayList<>(4);
        all.add(indexKey(ref.tenant(), null, null));
        all.add(indexKey(ref.tenant(), ref.namespace(), null));
        if (!ref.userId().isEmpty()) {
            all.add(indexKey(ref.tenant(), null, ref.userId()));
            all.add(indexKey(ref.tenant(), ref.namespace(), ref.userId()));
        }
        return all;
    }

    private static String indexKey(String tenant, String namespace, String userId) {
        String scope = namespace == null
                ? (userId == null ? "all" : "user:" + userId)
                : (userId == null ? "ns:" + namespace : "nsuser:" + namespace + SessionRef.SEP + userId);
        return "memstream:wm-index:{" + tenant + "}:" + scope;
    }
}
