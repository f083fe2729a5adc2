package io.memstream.ingest.turns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.Api;
import io.memstream.testkit.ClosedPort;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Redis only speeds up duplicate detection: without it, turns are still accepted and published. */
// Closed after the class: a cached context would keep consuming (and loading the machine) under later tests.
@DirtiesContext
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ingest-api", "memstream.auth.enabled=false", "memstream.redis.timeout=500ms"})
class RedisDownIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.properties().forEach((k, v) -> registry.add(k, () -> v));
        int dead = ClosedPort.pick();
        registry.add("memstream.redis.url", () -> "redis://127.0.0.1:" + dead);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void turnIngestionKeepsWorking() {
        String session = TestInfra.uniqueId("s");
        Api.Response response = new Api("http://127.0.0.1:" + port)
                .post(
                        "/v1/turns",
                        "{\"session_id\": \"%s\", \"role\": \"user\", \"content\": \"I live in Rome\"}"
                                .formatted(session));

        assertThat(response.status()).isEqualTo(202);
        assertThat(TopicProbe.values(Topics.TURNS))
                .filteredOn(t -> t.sessionId().equals(session))
                .extracting(Turn::content)
                .containsExactly("I live in Rome");
    }

    @Test
    void profilesAreReadFromPostgres() {
        String user = TestInfra.uniqueId("u");
        jdbc.update("""
                INSERT INTO facts (id, tenant_id, user_id, namespace, fact_key, value, text, confidence,
                                   valid_from, last_seen_at)
                VALUES (?, 'default', ?, 'default', 'diet', '"vegan"', 'User is vegan.', 0.9, now(), now())""", TestInfra.uniqueId("f"), user);

        Api.Response response = new Api("http://127.0.0.1:" + port).get("/v1/users/" + user + "/facts");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("facts").get(0).get("value").asString()).isEqualTo("vegan");
    }

    @Test
    void theProfileNoticeListenerOutlivesRedisBeingAway() {
        // It must be there to clear the cache once Redis is back: a Redis error escaping its loop ended
        // the thread at its first attempt to reach Redis.
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().equals("profile-changes") && t.isAlive()));
    }

    @Test
    void workingMemoryRoutesAnswer503() {
        Api api = new Api("http://127.0.0.1:" + port);
        for (Api.Response response : List.of(
                api.get("/v1/working-memory/s1"),
                api.get("/v1/working-memory/"),
                api.put("/v1/working-memory/s1", "{\"messages\": []}"),
                api.delete("/v1/working-memory/s1"))) {
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body().get("detail").asString()).contains("working memory is unavailable");
        }
    }
}
