package io.memstream.ingest.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One shared lettuce connection (lettuce multiplexes it across threads), connected on first use and
 * reconnected by lettuce after an outage, so Redis being down fails the calls that need it, not the
 * whole service.
 */
@Component
public class RedisConnection {

    private final RedisClient client;
    private final Duration timeout;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long retryAfterNanos;

    RedisConnection(
            @Value("${memstream.redis.url:redis://localhost:16379}") String url,
            @Value("${memstream.redis.timeout:2s}") Duration timeout) {
        this.timeout = timeout;
        this.client = RedisClient.create(RedisURI.create(url));
        this.client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .build());
    }

    public RedisCommands<String, String> sync() {
        return connection().sync();
    }

    /** Commands sent without waiting for each reply: many of them cost one round trip, not one each. */
    public RedisAsyncCommands<String, String> async() {
        return connection().async();
    }

    /**
     * A reply to a command sent with {@link #async()}, within {@link #timeout()}: a timeout or a
     * failed command throws lettuce's {@code RedisException}, as a synchronous call does.
     */
    public <T> T await(RedisFuture<T> reply) {
        return LettuceFutures.awaitOrCancel(reply, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** How long a command may take. */
    public Duration timeout() {
        return timeout;
    }

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> current = connection;
        if (current == null) {
            // While Redis cannot be reached, callers fail at once instead of queueing behind one
            // another's connect attempts; one attempt is made per second at most.
            if (System.nanoTime() < retryAfterNanos) {
                throw new RedisConnectionException("Redis is unreachable (retrying at most once a second)");
            }
            synchronized (this) {
                current = connection;
                if (current == null) {
                    try {
                        current = client.connect();
                    } catch (RedisException e) {
                        retryAfterNanos =
                                System.nanoTime() + Duration.ofSeconds(1).toNanos();
                        throw e;
                    }
                    current.setTimeout(timeout);
                    connection = current;
                }
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown();
    }
}
