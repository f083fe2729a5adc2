package io.memstream.ingest.facts;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.memstream.ingest.redis.RedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each user's current facts in Redis, with the stamp they were read from Postgres under. A stamp is
 * three counters: the user's, the tenant's and a global one, each raised by a change notice. An entry
 * is served only while all three are what they were before its facts were read; so an entry filled
 * from a read that a change overtook is never served, and the fill needs no lock or compare-and-set
 * (the counters and the entry may live on different Redis Cluster nodes). Redis not answering is
 * lettuce's {@code RedisException}: callers read Postgres instead.
 */
@Component
class ProfileCache {

    private static final String PREFIX = "memstream:profile:";
    private static final String EPOCH = PREFIX + "epoch";
    private static final TypeReference<List<FactView>> FACTS = new TypeReference<>() {};

    /** The counters an entry was read under; {@code facts} is null when there is no valid entry. */
    record Lookup(String stamp, List<FactView> facts) {}

    private final RedisConnection redis;
    private final JsonMapper json;
    private final Duration ttl;

    ProfileCache(RedisConnection redis, JsonMapper json, ProfileSettings settings) {
        this.redis = redis;
        this.json = json;
        this.ttl = settings.ttl();
    }

    /** One round trip: the entry and the three counters, sent together. */
    Lookup read(String tenant, String user) {
        RedisAsyncCommands<String, String> async = redis.async();
        RedisFuture<Map<String, String>> entry = async.hgetall(entryKey(tenant, user));
        RedisFuture<String> userCount = async.get(userKey(tenant, user));
        RedisFuture<String> tenantCount = async.get(tenantKey(tenant));
        RedisFuture<String> epoch = async.get(EPOCH);
        String stamp =
                count(redis.await(userCount)) + "/" + count(redis.await(tenantCount)) + "/" + count(redis.await(epoch));
        Map<String, String> cached = redis.await(entry);
        if (cached == null || !stamp.equals(cached.get("stamp")) || cached.get("facts") == null) {
            return new Lookup(stamp, null);
        }
        return new Lookup(stamp, json.readValue(cached.get("facts"), FACTS));
    }

    /** Keeps what Postgres answered under {@code stamp}, read before the query. */
    void fill(String tenant, String user, String stamp, List<FactView> facts) {
        String key = entryKey(tenant, user);
        RedisAsyncCommands<String, String> async = redis.async();
        RedisFuture<Long> set = async.hset(key, Map.of("stamp", stamp, "facts", json.writeValueAsString(facts)));
        RedisFuture<Boolean> expire = async.pexpire(key, ttl.toMillis());
        redis.await(set);
        redis.await(expire);
    }

    /**
     * One user's facts changed. The counter outlives any entry stamped before it moved (an entry lives
     * {@code ttl}), so it can never fall back to a value such an entry carries.
     */
    void userChanged(String tenant, String user) {
        RedisAsyncCommands<String, String> async = redis.async();
        RedisFuture<Long> raised = async.incr(userKey(tenant, user));
        RedisFuture<Boolean> kept =
                async.pexpire(userKey(tenant, user), ttl.plusHours(1).toMillis());
        RedisFuture<Long> dropped = async.del(entryKey(tenant, user));
        redis.await(raised);
        redis.await(kept);
        redis.await(dropped);
    }

    /** A change to all of a tenant's users (a tenant-wide rebuild starting or ending). */
    void tenantChanged(String tenant) {
        redis.await(redis.async().incr(tenantKey(tenant)));
    }

    /** Changes may have gone unheard (the notice listener was away): no entry made before is served. */
    void everythingChanged() {
        redis.await(redis.async().incr(EPOCH));
    }

    private static String count(String value) {
        return Objects.requireNonNullElse(value, "0");
    }

    // Ids cannot contain '|' (the id character set), so two (tenant, user) pairs never share a key.
    private static String entryKey(String tenant, String user) {
        return PREFIX + "facts:" + tenant + "|" + user;
    }

    private static String userKey(String tenant, String user) {
        return PREFIX + "user:" + tenant + "|" + user;
    }

    private static String tenantKey(String tenant) {
        return PREFIX + "tenant:" + tenant;
    }
}
