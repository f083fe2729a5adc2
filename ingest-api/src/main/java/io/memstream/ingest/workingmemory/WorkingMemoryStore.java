package io.memstream.ingest.workingmemory;

import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.memstream.ingest.redis.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions in Redis: a JSON meta value, the summary, a hash of messages by id and a sorted set that
 * orders them by creation time. Writes go through Lua scripts, so each is atomic on the shared,
 * multiplexed connection.
 */
@Repository
class WorkingMemoryStore {

    // Messages are only ever added if absent (HSETNX): two writers racing both keep their messages.
    private static final String MERGE = """
            redis.call('SET', KEYS[1], ARGV[1])
            if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
            local added = 0
            for i = 5, #ARGV, 3 do
              if redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 2]) == 1 then
                redis.call('ZADD', KEYS[4], ARGV[i + 1], ARGV[i])
                added = added + 1
              end
            end
            local excess = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[4])
            if excess > 0 then
              local oldest = redis.call('ZRANGE', KEYS[4], 0, excess - 1)
              redis.call('ZREM', KEYS[4], unpack(oldest))
              redis.call('HDEL', KEYS[3], unpack(oldest))
            end
            local ttl = tonumber(ARGV[3])
            for k = 1, 4 do
              if ttl > 0 then redis.call('EXPIRE', KEYS[k], ttl) else redis.call('PERSIST', KEYS[k]) end
            end
            return added
            """;

    private static final String TOUCH = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
            local ttl = tonumber(ARGV[2])
            if ttl > 0 then for k = 1, 4 do redis.call('EXPIRE', KEYS[k], ttl) end end
            return 1
            """;

    // The summary replaces the messages it folded; the summary key lives exactly as long as the session.
    private static final String APPLY_SUMMARY = """
            redis.call('DEL', KEYS[5])
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local ttl = redis.call('PTTL', KEYS[1])
            redis.call('SET', KEYS[2], ARGV[1])
            if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
            for i = 2, #ARGV do
              redis.call('ZREM', KEYS[4], ARGV[i])
              redis.call('HDEL', KEYS[3], ARGV[i])
            end
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
        RedisCommands<String, String> r = redis.sync();
        String meta = r.get(ref.key("meta"));
        if (meta == null) {
            return Optional.empty();
        }
        List<String> ids = r.zrange(ref.key("order"), 0, -1);
        List<MemoryMessage> messages = new ArrayList<>(ids.size());
        if (!ids.isEmpty()) {
            r.hmget(ref.key("msgs"), ids.toArray(String[]::new))
                    .forEach(kv -> kv.ifHasValue(v -> messages.add(json.readValue(v, MemoryMessage.class))));
        }
        return Optional.of(
                new StoredSession(json.readValue(meta, SessionMeta.class), r.get(ref.key("context")), messages));
    }

    Set<String> existingMessageIds(SessionRef ref, List<String> ids) {
        Set<String> found = new HashSet<>();
        if (ids.isEmpty()) {
            return found;
        }
        var values = redis.sync().hmget(ref.key("msgs"), ids.toArray(String[]::new));
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).hasValue()) {
                found.add(ids.get(i));
            }
        }
        return found;
    }

    /** Writes meta, the summary if given, and the messages not stored yet; returns how many were new. */
    long merge(SessionRef ref, SessionMeta meta, String context, List<MemoryMessage> messages, int maxMessages) {
        List<String> args = new ArrayList<>(4 + messages.size() * 3);
        args.add(json.writeValueAsString(meta));
        args.add(context == null ? "" : context);
        args.add(Long.toString(meta.ttlSeconds() == null ? 0 : meta.ttlSeconds()));
        args.add(Integer.toString(maxMessages));
        for (MemoryMessage m : messages) {
            args.add(m.id());
            args.add(Long.toString(m.createdAt().toEpochMilli()));
            args.add(json.writeValueAsString(m));
        }
        Long added = redis.sync().eval(MERGE, ScriptOutputType.INTEGER, keys(ref), args.toArray(String[]::new));
        index(ref, meta.ttlSeconds());
        return added;
    }

    /** Records an access; with a TTL, a sliding expiry starts again. */
    void touch(SessionRef ref, SessionMeta meta, boolean slideTtl) {
        long ttl = slideTtl && meta.ttlSeconds() != null ? meta.ttlSeconds() : 0;
        redis.sync()
                .eval(TOUCH, ScriptOutputType.INTEGER, keys(ref), json.writeValueAsString(meta), Long.toString(ttl));
        if (ttl > 0) {
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

    /** Returns false when the session is gone (deleted or expired) and there was nothing to apply to. */
    boolean applySummary(SessionRef ref, String summary, List<String> foldedMessageIds) {
        List<String> args = new ArrayList<>(1 + foldedMessageIds.size());
        args.add(summary);
        args.addAll(foldedMessageIds);
        String[] keys = {ref.key("meta"), ref.key("context"), ref.key("msgs"), ref.key("order"), ref.key("summarizing")
        };
        Long applied = redis.sync().eval(APPLY_SUMMARY, ScriptOutputType.INTEGER, keys, args.toArray(String[]::new));
        return applied == 1;
    }

    boolean delete(SessionRef ref) {
        RedisCommands<String, String> r = redis.sync();
        long removed = r.del(keys(ref));
        r.del(ref.key("summarizing"));
        for (String index : indexes(ref)) {
            r.zrem(index, ref.indexMember());
        }
        return removed > 0;
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

    private void index(SessionRef ref, Long ttlSeconds) {
        double expiresAt = ttlSeconds == null || ttlSeconds == 0
                ? NEVER
                : Instant.now().plusSeconds(ttlSeconds).toEpochMilli();
        RedisCommands<String, String> r = redis.sync();
        for (String index : indexes(ref)) {
            r.zadd(index, expiresAt, ref.indexMember());
        }
    }

    private static String[] keys(SessionRef ref) {
        return new String[] {ref.key("meta"), ref.key("context"), ref.key("msgs"), ref.key("order")};
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
