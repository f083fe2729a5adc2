package io.memstream.ingest.turns;

import static io.memstream.testkit.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.testkit.Api;
import io.memstream.testkit.ClosedPort;
import io.memstream.testkit.TestInfra;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With no broker, a turn is refused with a 503 within the publish timeout, never accepted. */
// Closed after the class: a cached context would keep consuming (and loading the machine) under later tests.
@DirtiesContext
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=ingest-api",
            "memstream.auth.enabled=false",
            "memstream.ingest.publish-timeout=2s",
            "spring.kafka.admin.operation-timeout=1s",
            "spring.kafka.admin.close-timeout=1s"
        })
class KafkaDownIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.properties().forEach((k, v) -> registry.add(k, () -> v));
        int dead = ClosedPort.pick();
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + dead);
    }

    @LocalServerPort
    int port;

    @Test
    void aTurnThatCannotBePersistedGetsA503WithRetryAfter() {
        Api.Response response = new Api("http://127.0.0.1:" + port)
                .post("/v1/turns", "{\"session_id\": \"s1\", \"role\": \"user\", \"content\": \"I live in Rome\"}");

        assertProblem(response, 503, "Kafka did not acknowledge");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    }

    @Test
    void aBatchIsRefusedWholeWithinOneTimeoutNotOnePerTurn() {
        String turns = String.join(
                ",", Collections.nCopies(50, "{\"session_id\": \"s2\", \"role\": \"user\", \"content\": \"hi\"}"));
        Api.Response response =
                new Api("http://127.0.0.1:" + port).post("/v1/turns/batch", "{\"turns\": [" + turns + "]}");

        assertProblem(response, 503, "within PT2S");
    }

    @Test
    void aWorkingMemoryWriteWithNewMessagesIsRefusedAndStoresNothing() {
        Api api = new Api("http://127.0.0.1:" + port);
        String session = TestInfra.uniqueId("s");

        Api.Response put =
                api.put("/v1/working-memory/" + session, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertProblem(put, 503, "Kafka did not acknowledge");
        assertThat(api.get("/v1/working-memory/" + session).status()).isEqualTo(404);
    }
}
