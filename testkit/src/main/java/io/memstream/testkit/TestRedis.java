package io.memstream.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;

/** The real Redis that scripts/check starts; tests use logical database 1, the pipeline database 0. */
public final class TestRedis {

    public static final String URL = TestDatabase.env("MEMSTREAM_TEST_REDIS_URL", "redis://localhost:16379/1");

    private TestRedis() {}

    /** Fails loudly, with what to do, when Redis is not there. */
    public static void requireReachable() {
        RedisClient client = RedisClient.create(URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
        } catch (RedisException e) {
            throw new IllegalStateException(
                    "Redis is not reachable at " + URL + " (" + e.getMessage()
                            + "). Run the tests through scripts/check, which installs and starts it,"
                            + " or set MEMSTREAM_TEST_REDIS_URL.",
                    e);
        } finally {
            client.shutdown();
        }
    }
}
