package io.memstream.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The real PostgreSQL (with pgvector) that scripts/check starts, using its own test database. */
public final class TestDatabase {

    public static final String URL = env("MEMSTREAM_TEST_DB_URL", "jdbc:postgresql://localhost:15432/memstream_test");
    public static final String USER = env("MEMSTREAM_DB_USER", "memstream");
    public static final String PASSWORD = env("MEMSTREAM_DB_PASSWORD", "memstream");

    private TestDatabase() {}

    /** Fails loudly, with what to do, when the database is not there. */
    public static Connection connect() {
        try {
            return DriverManager.getConnection(URL, USER, PASSWORD);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL is not reachable at " + URL + " (" + e.getMessage()
                            + "). Run the tests through scripts/check, which installs and starts it,"
                            + " or set MEMSTREAM_TEST_DB_URL.",
                    e);
        }
    }

    public static void requireReachable() {
        try {
            connect().close();
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL connection failed to close", e);
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
