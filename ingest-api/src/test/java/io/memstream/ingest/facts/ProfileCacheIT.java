package io.memstream.ingest.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.memstream.ingest.RunningIngestApi;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Profiles come from Redis, and a change evicts them when it commits in Postgres. Facts are written
 * here straight into Postgres, as the fact sink writes them: the notices come from the table, whoever
 * writes it.
 */
@TestPropertySource(properties = {"memstream.auth.enabled=false"})
class ProfileCacheIT extends RunningIngestApi {

    private static final String TENANT = "default";
    private static final RedisClient REDIS = RedisClient.create(TestRedis.URL);
    private static final StatefulRedisConnection<String, String> RAW = REDIS.connect();

    /** Far below the 60 s TTL: an entry gone within it was evicted by a notice, not by expiry. */
    private static final Duration NOTICE = Duration.ofSeconds(10);

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ProfileCache cache;

    @Autowired
    ProfileChanges changes;

    String user;

    @BeforeEach
    void setUp() {
        user = TestInfra.uniqueId("u");
        await().atMost(NOTICE).until(changes::live);
    }

    @AfterAll
    static void close() {
        RAW.close();
        REDIS.shutdown();
    }

    @Test
    void aProfileIsServedFromRedisUntilAChangeCommits() {
        write(user, "employer", "Acme");
        assertThat(employer()).isEqualTo("Acme");
        String entry = "memstream:profile:facts:" + TENANT + "|" + user;
        assertThat(RAW.sync().hget(entry, "facts")).contains("Acme");

        // Proof that the next read comes from Redis: the entry is altered behind Postgres's back.
        RAW.sync().hset(entry, "facts", RAW.sync().hget(entry, "facts").replace("Acme", "Cached"));
        assertThat(employer()).isEqualTo("Cached");

        jdbc.update(
                "UPDATE facts SET value = '\"Globex\"', text = 'User works at Globex.' WHERE tenant_id = ? AND user_id = ?",
                TENANT,
                user);
        await().atMost(NOTICE).untilAsserted(() -> assertThat(employer()).isEqualTo("Globex"));
    }

    @Test
    void accessCountsDoNotEvictAProfile() {
        write(user, "employer", "Acme");
        assertThat(employer()).isEqualTo("Acme");
        jdbc.update(
                "UPDATE facts SET access_count = access_count + 1 WHERE tenant_id = ? AND user_id = ?", TENANT, user);

        // Notices are applied in commit order: once a later change of another user has evicted that
        // user's entry, a notice for this one would have been applied too.
        String other = TestInfra.uniqueId("u");
        write(other, "employer", "Initech");
        assertThat(api.get("/v1/users/" + other + "/facts").body().get("facts")).hasSize(1);
        jdbc.update(
                "UPDATE facts SET text = 'User works at Initech Ltd.' WHERE tenant_id = ? AND user_id = ?",
                TENANT,
                other);
        await().atMost(NOTICE).until(() -> RAW.sync().exists("memstream:profile:facts:" + TENANT + "|" + other) == 0);

        assertThat(RAW.sync().exists("memstream:profile:facts:" + TENANT + "|" + user))
                .isEqualTo(1);
    }

    @Test
    void aFillThatAChangeOvertookIsNeverServed() {
        ProfileCache.Lookup before = cache.read(TENANT, user);
        assertThat(before.facts()).isNull();
        // The change commits (and is heard) while the read it overtook is still on its way to Redis.
        cache.userChanged(TENANT, user);
        cache.fill(TENANT, user, before.stamp(), List.of());

        assertThat(cache.read(TENANT, user).facts()).isNull();
    }

    @Test
    void aTenantWideChangeAndAReconnectionEachRetireEveryEntry() {
        ProfileCache.Lookup first = cache.read(TENANT, user);
        cache.fill(TENANT, user, first.stamp(), List.of());
        assertThat(cache.read(TENANT, user).facts()).isEmpty();

        cache.tenantChanged(TENANT);
        assertThat(cache.read(TENANT, user).facts()).isNull();

        ProfileCache.Lookup second = cache.read(TENANT, user);
        cache.fill(TENANT, user, second.stamp(), List.of());
        cache.everythingChanged();
        assertThat(cache.read(TENANT, user).facts()).isNull();
    }

    @Test
    void aNamespaceIsPickedOutOfTheCachedProfile() {
        write(user, "employer", "Acme");
        jdbc.update("""
                INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence,
                                   valid_from, last_seen_at)
                VALUES (?, ?, ?, 'travel', 'seat', '"aisle"', 'User prefers the aisle.', 0.9, now(), now())""", TestInfra.uniqueId("f"), TENANT, user);
        await().atMost(NOTICE)
                .untilAsserted(() -> assertThat(
                                api.get("/v1/users/" + user + "/facts").body().get("facts"))
                        .hasSize(2));

        assertThat(api.get("/v1/users/" + user + "/facts?namespace=travel")
                        .body()
                        .get("facts"))
                .singleElement()
                .satisfies(f -> assertThat(f.get("key").asString()).isEqualTo("seat"));
        assertThat(api.get("/v1/users/" + user + "/facts?namespace=default")
                        .body()
                        .get("facts"))
                .singleElement()
                .satisfies(f -> assertThat(f.get("key").asString()).isEqualTo("employer"));
    }

    private void write(String who, String key, String value) {
        jdbc.update("""
                INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence,
                                   valid_from, last_seen_at)
                VALUES (?, ?, ?, 'default', ?, to_jsonb(?::text), ?, 0.9, now(), now())""", TestInfra.uniqueId("f"), TENANT, who, key, value, "User's " + key + " is " + value + ".");
    }

    private String employer() {
        return api.get("/v1/users/" + user + "/facts")
                .body()
                .get("facts")
                .get(0)
                .get("value")
                .asString();
    }
}
