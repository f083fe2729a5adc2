package io.memstream.ingest.longterm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.memstream.ingest.RunningIngestApi;
import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Reads count an access of each memory they return, written off the request path, and a memory
 * another writer holds locked (the fact sink's transactions hold rows while they embed) holds up
 * neither the read nor its count: the read is answered at once, and the access is counted once the
 * writer lets go.
 */
@TestPropertySource(properties = {"memstream.auth.enabled=false", "memstream.long-term.access-flush-interval=200ms"})
class AccessCountIT extends RunningIngestApi {

    private static final String TENANT = "default";

    /** Flushes come every 200 ms here; this is only how long a slow machine may take. */
    private static final Duration COUNTED = Duration.ofSeconds(20);

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource dataSource;

    String user;

    @BeforeEach
    void setUp() {
        user = TestInfra.uniqueId("u");
        jdbc.update(
                "INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence, valid_from,"
                        + " last_seen_at) VALUES (?, ?, ?, 'default', 'memory:jazz', '\"jazz\"', 'User likes jazz.',"
                        + " 1.0, now(), now())",
                "m-" + user,
                TENANT,
                user);
    }

    private Api.Response listUsersMemories() {
        return api.post("/v1/long-term-memory/search", """
                {"user_id": {"eq": "%s"}}""".formatted(user));
    }

    private int accessCount() {
        return jdbc.queryForObject(
                "SELECT access_count FROM facts WHERE tenant_id = ? AND user_id = ?", Integer.class, TENANT, user);
    }

    @Test
    void eachReadCountsAnAccess() {
        assertThat(listUsersMemories().status()).isEqualTo(200);
        assertThat(listUsersMemories().status()).isEqualTo(200);

        await().atMost(COUNTED).untilAsserted(() -> assertThat(accessCount()).isEqualTo(2));
        assertThat(jdbc.queryForObject(
                        "SELECT last_accessed IS NOT NULL FROM facts WHERE tenant_id = ? AND user_id = ?",
                        Boolean.class,
                        TENANT,
                        user))
                .isTrue();
    }

    @Test
    void aReadOfAMemoryAnotherWriterHoldsIsAnsweredAtOnceAndCountedOnceTheWriterLetsGo() throws Exception {
        try (Connection writer = dataSource.getConnection()) {
            writer.setAutoCommit(false);
            try (PreparedStatement lock =
                    writer.prepareStatement("SELECT id FROM facts WHERE tenant_id = ? AND user_id = ? FOR UPDATE")) {
                lock.setString(1, TENANT);
                lock.setString(2, user);
                lock.executeQuery().close();
            }

            // A liveness bound, not a timing: the writer never lets go while the read runs.
            Api.Response read = assertTimeoutPreemptively(Duration.ofSeconds(30), this::listUsersMemories);

            assertThat(read.status()).isEqualTo(200);
            assertThat(read.body().get("memories").get(0).get("text").asString())
                    .isEqualTo("User likes jazz.");
            // Flushes come and go while the row is held (several at 200 ms); each skips it.
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(accessCount()).isZero());
            writer.rollback();
        }

        await().atMost(COUNTED).untilAsserted(() -> assertThat(accessCount()).isEqualTo(1));
    }
}
