package io.memstream.ingest.longterm;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.ingest.RunningIngestApi;
import io.memstream.testkit.TcpProxy;
import io.memstream.testkit.TestDatabase;
import io.memstream.testkit.TestInfra;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.TestPropertySource;

/**
 * Access counts noted while Postgres is away are written once it is back, none lost; a memory that
 * is gone stops being asked for. The log is driven by hand here (flush), through a relay the test cuts.
 */
// The application's own flusher stays out of the way: these rows are this test's.
@TestPropertySource(properties = {"memstream.auth.enabled=false", "memstream.long-term.access-flush-interval=1h"})
class AccessLogIT extends RunningIngestApi {

    private static final String TENANT = "default";

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MemoryStore store;

    private final TcpProxy proxy = TcpProxy.toTestDatabase();
    private final AccessLog log = new AccessLog(
            new JdbcTemplate(new DriverManagerDataSource(proxy.jdbcUrl(), TestDatabase.USER, TestDatabase.PASSWORD)),
            100);

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private MemoryRecord memory(String user, String id) {
        jdbc.update(
                "INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence, valid_from,"
                        + " last_seen_at) VALUES (?, ?, ?, 'default', ?, '\"tea\"', 'User likes tea.', 1.0, now(), now())",
                id,
                TENANT,
                user,
                "memory:" + id);
        return store.byId(TENANT, id).getFirst();
    }

    private int accessCount(String id) {
        return jdbc.queryForObject(
                "SELECT access_count FROM facts WHERE tenant_id = ? AND id = ?", Integer.class, TENANT, id);
    }

    @Test
    void readsNotedWhilePostgresIsAwayAreCountedOnceItIsBack() {
        String user = TestInfra.uniqueId("u");
        MemoryRecord tea = memory(user, TestInfra.uniqueId("m"));
        log.record(TENANT, List.of(tea), Instant.now());
        log.record(TENANT, List.of(tea), Instant.now());

        proxy.cut();
        // An outage longer than the flushes a missing memory is given: nothing is dropped for it.
        for (int i = 0; i < AccessLog.MAX_FLUSHES + 5; i++) {
            log.flush();
        }
        assertThat(log.pending()).isEqualTo(1);

        proxy.restore();
        log.flush();
        assertThat(accessCount(tea.id())).isEqualTo(2);
        assertThat(log.pending()).isZero();
    }

    @Test
    void aMemoryThatIsGoneIsDroppedAfterItsFlushes() {
        String user = TestInfra.uniqueId("u");
        MemoryRecord gone = memory(user, TestInfra.uniqueId("m"));
        jdbc.update("DELETE FROM facts WHERE tenant_id = ? AND id = ?", TENANT, gone.id());
        log.record(TENANT, List.of(gone), Instant.now());

        for (int i = 1; i < AccessLog.MAX_FLUSHES; i++) {
            log.flush();
        }
        assertThat(log.pending()).isEqualTo(1);
        log.flush();
        assertThat(log.pending()).isZero();
    }
}
