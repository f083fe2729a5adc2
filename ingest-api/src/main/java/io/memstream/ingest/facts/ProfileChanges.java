package io.memstream.ingest.facts;

import io.lettuce.core.RedisException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Hears Postgres's change notices for profiles (migration V12: every write that changes what a
 * user's profile shows sends one, delivered when it commits) and invalidates the cached entries. The
 * cache is used only while this listens: a notice sent while it was not connected is lost, so after
 * every (re)connection the global counter moves and every entry made before is ignored.
 *
 * <p>A hand-written loop: Spring has no listener container for Postgres notices, and one blocking
 * {@code getNotifications} call per half second on a connection of its own is all it takes.
 */
@Component
class ProfileChanges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProfileChanges.class);
    private static final String CHANNEL = "memstream_profile";
    private static final char SEPARATOR = 31;

    private final ProfileCache cache;
    private final String url;
    private final String user;
    private final String password;
    private final boolean enabled;
    private volatile boolean running;
    private volatile boolean live;
    private volatile boolean epochOwed;
    private Thread thread;

    ProfileChanges(
            ProfileCache cache,
            ProfileSettings settings,
            @Value("${spring.datasource.url}") String url,
            @Value("${spring.datasource.username:}") String user,
            @Value("${spring.datasource.password:}") String password) {
        this.cache = cache;
        this.enabled = settings.enabled();
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Whether cached profiles may be served: notices are being heard and applied. */
    boolean live() {
        return live;
    }

    @Override
    public void start() {
        if (!enabled) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("profile-changes").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        live = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = DriverManager.getConnection(url, user, password)) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                PGConnection notices = connection.unwrap(PGConnection.class);
                epochOwed = true;
                while (running) {
                    if (epochOwed) {
                        forgetEverything();
                    }
                    PGNotification[] heard = notices.getNotifications(500);
                    if (heard != null) {
                        for (PGNotification notice : heard) {
                            apply(notice.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                live = false;
                if (running) {
                    log.warn("profile change notices unavailable, profiles read from Postgres: {}", e.toString());
                    pause();
                }
            }
        }
    }

    private void forgetEverything() {
        try {
            cache.everythingChanged();
            epochOwed = false;
            live = true;
        } catch (RedisException e) {
            live = false;
        }
    }

    private void apply(String notice) {
        int cut = notice.indexOf(SEPARATOR);
        try {
            if (cut < 0) {
                cache.tenantChanged(notice);
            } else {
                cache.userChanged(notice.substring(0, cut), notice.substring(cut + 1));
            }
        } catch (RedisException e) {
            // The entry it should have evicted may still be in Redis: once Redis answers again, every
            // entry made before goes (until then nothing is served from it).
            live = false;
            epochOwed = true;
        }
    }

    private void pause() {
        try {
            TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
