package io.memstream.bench;

import io.memstream.common.topics.TopicSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What to measure against and for how long.
 *
 * @param seconds how long each measurement runs
 * @param threads concurrent clients per measurement
 * @param e2eSeconds how long the end-to-end scenario offers load (at least 60 s for a steady state)
 * @param e2eRate turns per second it offers
 * @param searchUserFacts memories of the one user the search scenario searches
 * @param searchBigUserFacts memories of the second user it searches with one client, to show growth
 * @param searchTableFacts rows of the facts table around that user (filler of other users)
 * @param llmLatency how long the fake OpenAI-compatible server takes to answer each call
 * @param extractorJar the extractor-worker's executable jar, started with the fake LLM configured
 * @param restTimeout how long to wait for an earlier backlog to drain before measuring end to end
 * @param sinkOffsetsScope dedup-stream's {@code memstream.sink.offsets-scope}, to read its sinks' lag
 * @param only the scenarios to run; empty for all
 * @param logDir where processes the bench starts write their logs
 */
record BenchConfig(
        String api,
        String apiKey,
        String kafka,
        String redis,
        Duration seconds,
        int threads,
        Path out,
        Duration e2eSeconds,
        double e2eRate,
        String extractorGroup,
        String dedupGroup,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int sinkFacts,
        int searchUserFacts,
        int searchBigUserFacts,
        int searchTableFacts,
        Duration llmLatency,
        Path extractorJar,
        Duration restTimeout,
        String sinkOffsetsScope,
        Set<String> only,
        Path logDir) {

    static BenchConfig parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("expected --option value pairs, got " + String.join(" ", args));
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return new BenchConfig(
                options.getOrDefault("api", "http://127.0.0.1:8000"),
                options.get("key"),
                options.getOrDefault("kafka", "127.0.0.1:19092"),
                options.getOrDefault("redis", "redis://127.0.0.1:16379"),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "20"))),
                Integer.parseInt(options.getOrDefault("threads", "16")),
                Path.of(options.getOrDefault("out", "bench-results.json")),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("e2e-seconds", "60"))),
                Double.parseDouble(options.getOrDefault("e2e-rate", "5")),
                options.getOrDefault("extractor-group", "memstream-extractor"),
                options.getOrDefault("dedup-group", "memstream-dedup"),
                options.getOrDefault("db-url", "jdbc:postgresql://127.0.0.1:15432/memstream"),
                options.getOrDefault("db-user", "memstream"),
                options.getOrDefault("db-password", "memstream"),
                Integer.parseInt(options.getOrDefault("sink-facts", "2000")),
                Integer.parseInt(options.getOrDefault("search-user-facts", "10000")),
                Integer.parseInt(options.getOrDefault("search-big-user-facts", "100000")),
                Integer.parseInt(options.getOrDefault("search-table-facts", "1000000")),
                Duration.ofMillis(Long.parseLong(options.getOrDefault("llm-latency-ms", "300"))),
                Path.of(options.getOrDefault(
                        "extractor-jar", "extractor-worker/target/extractor-worker-0.1.0-SNAPSHOT-exec.jar")),
                Duration.ofMinutes(Long.parseLong(options.getOrDefault("rest-timeout-minutes", "30"))),
                options.getOrDefault("sink-offsets-scope", "memstream"),
                options.containsKey("only")
                        ? Set.copyOf(Arrays.asList(options.get("only").split(",")))
                        : Set.of(),
                Path.of(options.getOrDefault("log-dir", ".memstream/logs")));
    }

    /** A connection to the pipeline's database, as the bench's own (bare) queries use. */
    Connection database() throws SQLException {
        return DriverManager.getConnection(dbUrl, dbUser, dbPassword);
    }

    /** The same bench with another number of clients: latency alone is measured with one. */
    BenchConfig withThreads(int clients) {
        return new BenchConfig(
                api,
                apiKey,
                kafka,
                redis,
                seconds,
                clients,
                out,
                e2eSeconds,
                e2eRate,
                extractorGroup,
                dedupGroup,
                dbUrl,
                dbUser,
                dbPassword,
                sinkFacts,
                searchUserFacts,
                searchBigUserFacts,
                searchTableFacts,
                llmLatency,
                extractorJar,
                restTimeout,
                sinkOffsetsScope,
                only,
                logDir);
    }

    /** A producer as the services configure theirs (acks=all, idempotent), with the topic's serdes. */
    <K, V> KafkaProducer<K, V> producer(TopicSpec<K, V> topic) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
        return new KafkaProducer<>(
                props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }
}
