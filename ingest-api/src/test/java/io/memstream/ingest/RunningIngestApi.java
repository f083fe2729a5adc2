package io.memstream.ingest;

import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole ingest-api on a random port, on the tests' broker, Postgres and Redis. An integration
 * test extends it and states its own settings with {@code @TestPropertySource}.
 */
// Closed after the class: a cached context would keep consuming (and loading the machine) under later tests.
@DirtiesContext
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.config.name=ingest-api")
public abstract class RunningIngestApi {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfra.properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @LocalServerPort
    protected int port;

    /** A client of this API, without a key. */
    protected Api api;

    @BeforeEach
    void connectClient() {
        api = new Api("http://127.0.0.1:" + port);
    }
}
