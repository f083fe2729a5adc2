package io.memstream.dedup.sink;

import io.memstream.testkit.TestDatabase;
import org.flywaydb.core.Flyway;

/**
 * Brings the test database to the current schema, as the service does at startup, for tests that
 * write to it without starting the service (on a fresh database they may well run first).
 */
final class TestSchema {

    private TestSchema() {}

    static void migrate() {
        TestDatabase.requireReachable();
        Flyway.configure()
                .dataSource(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD)
                .load()
                .migrate();
    }
}
