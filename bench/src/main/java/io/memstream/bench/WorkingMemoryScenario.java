package io.memstream.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Working memory: GET and PUT of a 10-message session through the API, next to a lettuce loop
 * sending Redis the commands the store sends for them (a GET reads meta, order, messages, last
 * access, summary and incarnation; a PUT reads the same, then runs one merge script and updates the
 * four indexes). The PUT re-sends known messages with new {@code data}, so nothing is published to
 * Kafka: this measures working memory, not ingestion.
 */
final class WorkingMemoryScenario {

    private static final int MESSAGES = 10;
    private static final String MERGE = """
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3])
            redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[2])
            return 1
            """;

    private final BenchConfig config;
    private final ApiClient api;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    WorkingMemoryScenario(BenchConfig config) {
        this.config = config;
        this.api = new ApiClient(config);
    }

    List<Result> run() throws Exception {
        for (int t = 0; t < config.threads(); t++) {
            send("PUT", session(t), body(t, 0));
        }
        Result apiGet = Load.measure(
                config, "wm", "API GET /v1/working-memory/{id}", "ops/s", (t, i) -> send("GET", session(t), null));
        Result apiPut = Load.measure(
                config,
                "wm",
                "API PUT /v1/working-memory/{id}",
                "ops/s",
                (t, i) -> send("PUT", session(t), body(t, i)));
        Result rawGet;
        Result rawPut;
        RedisClient client = RedisClient.create(config.redis());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            for (int t = 0; t < config.threads(); t++) {
                seed(redis, t);
            }
            rawGet = Load.measure(config, "wm", "raw Redis, the store's GET commands", "ops/s", (t, i) -> {
                read(redis, t);
                return 1;
            });
            rawPut = Load.measure(config, "wm", "raw Redis, the store's PUT commands", "ops/s", (t, i) -> {
                read(redis, t);
                String k = "bench:wm:{" + run + t + "}:";
                redis.eval(
                        MERGE,
                        ScriptOutputType.INTEGER,
                        new String[] {k + "meta", k + "msgs", k + "order"},
                        "{\"data\": " + i + "}",
                        "m0",
                        "{}",
                        "0");
                for (int index = 0; index < 4; index++) {
                    redis.zadd("bench:wm-index:{" + run + "}:" + index, 0, run + t);
                }
                return 1;
            });
        } finally {
            client.shutdown();
        }
        return List.of(apiGet.comparedWith(rawGet), rawGet, apiPut.comparedWith(rawPut), rawPut);
    }

    private void seed(RedisCommands<String, String> redis, int t) {
        String k = "bench:wm:{" + run + t + "}:";
        redis.set(k + "meta", "{}");
        redis.set(k + "accessed", "0");
        redis.set(k + "context", "");
        redis.set(k + "gen", "1");
        for (int m = 0; m < MESSAGES; m++) {
            redis.hset(k + "msgs", "m" + m, "{\"role\": \"user\", \"content\": \"message " + m + "\"}");
            redis.zadd(k + "order", m, "m" + m);
        }
    }

    private void read(RedisCommands<String, String> redis, int t) {
        String k = "bench:wm:{" + run + t + "}:";
        redis.get(k + "meta");
        List<String> ids = redis.zrange(k + "order", 0, -1);
        redis.hmget(k + "msgs", ids.toArray(String[]::new));
        redis.get(k + "accessed");
        redis.get(k + "context");
        redis.get(k + "gen");
    }

    private String session(int t) {
        return "bench-wm-" + run + "-" + t;
    }

    private String body(int t, long sequence) {
        List<String> messages = new ArrayList<>();
        for (int m = 0; m < MESSAGES; m++) {
            messages.add("{\"id\": \"bench-%s-%d-%d\", \"role\": \"user\", \"content\": \"message %d\"}"
                    .formatted(run, t, m, m));
        }
        return "{\"user_id\": \"bench-wm-user\", \"messages\": [%s], \"data\": {\"n\": %d}}"
                .formatted(String.join(",", messages), sequence);
    }

    private int send(String method, String session, String body) throws Exception {
        api.expect(200, method, "/v1/working-memory/" + session + "?user_id=bench-wm-user", body);
        return 1;
    }
}
