package io.memstream.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Working memory: GET and PUT of a 10-message session through the API, next to a lettuce loop
 * sending Redis the commands the store sends for them, batched into round trips as the store batches
 * them (a GET: meta, order, messages, last access, summary and incarnation, and the script recording
 * the access, in one round trip; a PUT: the ids it knows, the session, one merge script, the four
 * indexes and the session again, in five). The same commands sent one at a time, as the store sent
 * them until 2026-12-03, are measured too, for comparison with earlier runs. The PUT re-sends known
 * messages with new {@code data}, so nothing is published to Kafka: this measures working memory, not
 * ingestion.
 */
final class WorkingMemoryScenario {

    private static final int MESSAGES = 10;
    private static final String MERGE = """
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3])
            redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[2])
            return 1
            """;
    private static final String TOUCH = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('SET', KEYS[2], ARGV[1], 'KEEPTTL')
            return 1
            """;
    private static final String[] IDS =
            IntStream.range(0, MESSAGES).mapToObj(m -> "m" + m).toArray(String[]::new);

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
        Result oneByOneGet;
        Result oneByOnePut;
        RedisClient client = RedisClient.create(config.redis());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            RedisAsyncCommands<String, String> async = connection.async();
            for (int t = 0; t < config.threads(); t++) {
                seed(redis, t);
            }
            rawGet = Load.measure(config, "wm", "raw Redis, the store's GET commands", "ops/s", (t, i) -> {
                await(read(async, t, true));
                return 1;
            });
            rawPut = Load.measure(config, "wm", "raw Redis, the store's PUT commands", "ops/s", (t, i) -> {
                String k = keys(t);
                await(List.of(async.hmget(k + "msgs", IDS), async.smismember(k + "folded", IDS)));
                await(read(async, t, false));
                merge(redis, t, i);
                List<RedisFuture<?>> indexes = new ArrayList<>(4);
                for (int index = 0; index < 4; index++) {
                    indexes.add(async.zadd("bench:wm-index:{" + run + "}:" + index, 0, run + t));
                }
                await(indexes);
                await(read(async, t, false));
                return 1;
            });
            oneByOneGet = Load.measure(
                    config, "wm", "raw Redis, the GET commands one at a time (until 2026-12-03)", "ops/s", (t, i) -> {
                        readOneByOne(redis, t);
                        return 1;
                    });
            oneByOnePut = Load.measure(
                    config, "wm", "raw Redis, the PUT commands one at a time (until 2026-12-03)", "ops/s", (t, i) -> {
                        readOneByOne(redis, t);
                        merge(redis, t, i);
                        for (int index = 0; index < 4; index++) {
                            redis.zadd("bench:wm-index:{" + run + "}:" + index, 0, run + t);
                        }
                        return 1;
                    });
        } finally {
            client.shutdown();
        }
        return List.of(
                apiGet.comparedWith(rawGet), rawGet, oneByOneGet, apiPut.comparedWith(rawPut), rawPut, oneByOnePut);
    }

    private void merge(RedisCommands<String, String> redis, int t, long i) {
        String k = keys(t);
        redis.eval(
                MERGE,
                ScriptOutputType.INTEGER,
                new String[] {k + "meta", k + "msgs", k + "order"},
                "{\"data\": " + i + "}",
                "m0",
                "{}",
                "0");
    }

    private String keys(int t) {
        return "bench:wm:{" + run + t + "}:";
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

    /** The store's reads of a session, and with {@code touch} the access it records, all sent at once. */
    private List<RedisFuture<?>> read(RedisAsyncCommands<String, String> redis, int t, boolean touch) {
        String k = keys(t);
        List<RedisFuture<?>> replies = new ArrayList<>(List.of(
                redis.get(k + "meta"),
                redis.zrange(k + "order", 0, -1),
                redis.hgetall(k + "msgs"),
                redis.get(k + "accessed"),
                redis.get(k + "context"),
                redis.get(k + "gen")));
        if (touch) {
            replies.add(
                    redis.eval(TOUCH, ScriptOutputType.INTEGER, new String[] {k + "meta", k + "accessed"}, "1", "0"));
        }
        return replies;
    }

    private static void await(List<RedisFuture<?>> replies) throws Exception {
        for (RedisFuture<?> reply : replies) {
            reply.get(10, TimeUnit.SECONDS);
        }
    }

    private void readOneByOne(RedisCommands<String, String> redis, int t) {
        String k = keys(t);
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
