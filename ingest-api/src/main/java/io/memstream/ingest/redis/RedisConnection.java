package io.memstream.ingest.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
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
        StatefulRedisConnection<String, String> current = connection;
        if (current == null) {
            synchronized (this) {
                current = connection;
                if (current == null) {
                    current = client.connect();
                    current.setTimeout(timeout);
                    connection = current;
                }
            }
        }
        return current.sync();
    }

    @PreDestroy
    void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown();
    }
}
