package io.memstream.testkit;

import java.util.Map;
import java.util.UUID;

/** Everything a service needs to run in a test, as Spring properties. */
public final class TestInfra {

    private TestInfra() {}

    /**
     * Starts (once) the broker and checks Postgres and Redis, then returns the properties that point
     * a Memstream service at them.
     *
     * <p>Each call names its own consumer groups for the listeners whose groups are otherwise fixed:
     * contexts that Spring caches, or that a test leaves broken on purpose (Redis away), would
     * otherwise share partitions with later tests and hold records those tests wait for.
     */
    public static Map<String, Object> properties() {
        TestDatabase.requireReachable();
        TestRedis.requireReachable();
        return Map.of(
                "spring.kafka.bootstrap-servers", SharedKafka.bootstrapServers(),
                "spring.datasource.url", TestDatabase.URL,
                "spring.datasource.username", TestDatabase.USER,
                "spring.datasource.password", TestDatabase.PASSWORD,
                "memstream.redis.url", TestRedis.URL,
                "memstream.ingest.summary-group-id", uniqueId("memstream-ingest-summaries"),
                "memstream.sink.group-prefix", uniqueId("memstream"));
    }

    /** A fresh id, so tests sharing one broker and database never see each other's data. */
    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
