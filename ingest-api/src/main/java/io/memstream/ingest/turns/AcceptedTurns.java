package io.memstream.ingest.turns;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.memstream.ingest.redis.RedisConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Remembers recently accepted turn ids so that a client's retry is not published twice. It is a
 * fast path, not the guarantee: if Redis is unavailable the turn is published again, and the
 * pipeline downstream recognises a turn id it has already counted.
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

    Set<String> alreadyAccepted(String tenant, List<String> turnIds) {
        try {
            Set<String> seen = new HashSet<>();
            String[] keys = turnIds.stream().map(id -> key(tenant, id)).toArray(String[]::new);
            List<KeyValue<String, String>> found = redis.sync().mget(keys);
            for (int i = 0; i < found.size(); i++) {
                if (found.get(i).hasValue()) {
                    seen.add(turnIds.get(i));
                }
            }
            return seen;
        } catch (RedisException e) {
            log.warn("Redis unavailable for turn idempotency; publishing without the check: {}", e.getMessage());
            return Set.of();
        }
    }

    void remember(String tenant, List<String> turnIds) {
        try {
            SetArgs ttl = SetArgs.Builder.ex(memory);
            for (String id : turnIds) {
                redis.sync().set(key(tenant, id), "1", ttl);
            }
        } catch (RedisException e) {
            log.warn("Redis unavailable; accepted turns not remembered for idempotency: {}", e.getMessage());
        }
    }

    private static String key(String tenant, String turnId) {
        return "memstream:{" + tenant + "}:accepted-turn:" + turnId;
    }
}
