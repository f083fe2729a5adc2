package io.memstream.system;

import io.memstream.common.topics.Topics;
import io.memstream.dedup.DedupStreamApplication;
import io.memstream.extractor.ExtractorWorkerApplication;
import io.memstream.ingest.IngestApiApplication;
import io.memstream.testkit.ConsumerGroups;
import io.memstream.testkit.SharedKafka;
import io.memstream.testkit.TestInfra;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The three services, each in its own Spring context inside the test JVM, wired to the shared
 * in-JVM broker and the real Postgres and Redis: the same code and configuration as production,
 * minus the process boundaries.
 */
final class Pipeline implements AutoCloseable {

    private final List<ConfigurableApplicationContext> services;
    private final String run;
    private final int apiPort;

    private Pipeline(String run, List<ConfigurableApplicationContext> services) {
        this.run = run;
        this.services = services;
        this.apiPort = Integer.parseInt(services.getFirst().getEnvironment().getRequiredProperty("local.server.port"));
    }

    private static Pipeline shared;

    /** Where a worker's rebuilds find this run's dedup-stream: its application id and sink scope. */
    private static Map<String, Object> dedupOf(String run) {
        return Map.of(
                "memstream.jobs.dedup-application-id",
                "memstream-dedup-" + run,
                "memstream.jobs.sink-offsets-scope",
                run);
    }

    /**
     * One pipeline for every cross-service test in this JVM (tests isolate themselves by user and
     * session ids); it stops when the JVM does.
     */
    static synchronized Pipeline shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "pipeline-shutdown"));
        }
        return shared;
    }

    private static Pipeline start() {
        String run = TestInfra.uniqueId("run");
        Map<String, Object> common = new HashMap<>(TestInfra.properties());
        common.put("server.port", "0");
        // Tenancy is proven in ingest-api's own tests; here every request acts for tenant 'default'.
        common.put("memstream.auth.enabled", "false");
        Map<String, Object> dedup = new HashMap<>(common);
        dedup.put("spring.kafka.streams.application-id", "memstream-dedup-" + run);
        dedup.put(
                "spring.kafka.streams.state-dir",
                Path.of("target", "streams-" + run).toAbsolutePath().toString());
        // This JVM's broker is new; offsets stored by earlier runs in the shared test database are not its.
        dedup.put("memstream.sink.offsets-scope", run);
        Map<String, Object> extractor = new HashMap<>(common);
        extractor.put("memstream.extractor.group-id", "memstream-extractor-" + run);
        extractor.putAll(dedupOf(run));
        return new Pipeline(
                run,
                List.of(
                        run(IngestApiApplication.application(), common),
                        run(ExtractorWorkerApplication.application(), extractor),
                        run(DedupStreamApplication.application(), dedup)));
    }

    /** Passed as command-line arguments, which override the services' own application.yml. */
    private static ConfigurableApplicationContext run(
            SpringApplicationBuilder application, Map<String, Object> properties) {
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return application.run(args);
    }

    /**
     * One more extractor-worker, in its own consumer group, with extra properties (an LLM, say), that
     * feeds the shared pipeline's dedup-stream. Its live extraction starts with the turns written
     * after it, not with every turn earlier tests left on the topic. The caller closes it.
     */
    static ConfigurableApplicationContext extraExtractor(Map<String, Object> extra) {
        shared();
        Map<String, Object> properties = new HashMap<>(TestInfra.properties());
        properties.put("server.port", "0");
        String group = TestInfra.uniqueId("memstream-extractor-extra");
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            ConsumerGroups.startAtEnd(admin, group, Topics.TURNS.name());
            ConsumerGroups.startAtEnd(admin, group + "-summaries", Topics.SUMMARY_REQUESTS.name());
        }
        properties.put("memstream.extractor.group-id", group);
        properties.putAll(dedupOf(shared.run));
        properties.putAll(extra);
        return run(ExtractorWorkerApplication.application(), properties);
    }

    /** One more ingest-api, with extra properties, on the shared pipeline's broker and stores. The caller closes it. */
    static ConfigurableApplicationContext extraApi(Map<String, Object> extra) {
        shared();
        Map<String, Object> properties = new HashMap<>(TestInfra.properties());
        properties.put("server.port", "0");
        properties.put("memstream.auth.enabled", "false");
        properties.putAll(extra);
        return run(IngestApiApplication.application(), properties);
    }

    /** The shared pipeline's dedup-stream application id (its consumer group), for barriers. */
    static String dedupApplicationId() {
        return "memstream-dedup-" + shared().run;
    }

    String apiBaseUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    @Override
    public void close() {
        services.reversed().forEach(ConfigurableApplicationContext::close);
    }
}
