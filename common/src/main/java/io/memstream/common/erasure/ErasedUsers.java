package io.memstream.common.erasure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Which users were erased ({@code erased_users}), re-read at most every {@code refresh}: an erased
 * user id stays erased, so nothing about them is accepted or learned again.
 */
public final class ErasedUsers {

    private static final String SEP = "\u001f";

    private final DataSource dataSource;
    private final Duration refresh;
    private volatile Set<String> erased = Set.of();
    private volatile long loadedAtNanos;
    private volatile boolean loaded;

    public ErasedUsers(DataSource dataSource, Duration refresh) {
        this.dataSource = dataSource;
        this.refresh = refresh;
    }

    public boolean contains(String tenant, String user) {
        if (user == null || user.isEmpty()) {
            return false;
        }
        if (!loaded || System.nanoTime() - loadedAtNanos > refresh.toNanos()) {
            reload();
        }
        return erased.contains(tenant + SEP + user);
    }

    /** Makes an erasure done by this process count at once, not after the next refresh. */
    public synchronized void erased(String tenant, String user) {
        Set<String> next = new HashSet<>(erased);
        next.add(tenant + SEP + user);
        erased = next;
    }

    private synchronized void reload() {
        if (loaded && System.nanoTime() - loadedAtNanos <= refresh.toNanos()) {
            return;
        }
        Set<String> next = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT tenant_id, user_id FROM erased_users");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                next.add(rs.getString(1) + SEP + rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read erased_users: " + e.getMessage(), e);
        }
        erased = next;
        loadedAtNanos = System.nanoTime();
        loaded = true;
    }
}
