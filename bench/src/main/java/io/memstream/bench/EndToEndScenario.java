package io.memstream.bench;

import io.memstream.common.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * End to end: turns offered at a steady rate, each stating a new fact for a new user; the time from
 * the turn's 202 to the fact being visible through the API. The extractor's and dedup's consumer lag
 * is sampled while it runs, to show whether the pipeline keeps up or falls behind.
 */
final class EndToEndScenario {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration GIVE_UP = Duration.ofSeconds(120);

    private final BenchConfig config;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    EndToEndScenario(BenchConfig config) {
        this.config = config;
    }

    List<Result> run() throws Exception {
        Latencies latencies = new Latencies();
        AtomicLong lost = new AtomicLong();
        List<Thread> turns = new ArrayList<>();
        List<Long> lags = new ArrayList<>();
        long intervalNanos = (long) (1e9 / config.e2eRate());
        long start = System.nanoTime();
        long end = start + config.e2eSeconds().toNanos();
        long nextLagSample = start;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.kafka()))) {
            for (long n = 0; start + n * intervalNanos < end; n++) {
                long due = start + n * intervalNanos;
                while (System.nanoTime() < due) {
                    Thread.sleep(Duration.ofNanos(Math.min(due - System.nanoTime(), 5_000_000)));
                }
                if (System.nanoTime() >= nextLagSample) {
                    lags.add(lag(admin));
                    nextLagSample += 5_000_000_000L;
                }
                long sequence = n;
                turns.add(Thread.ofVirtual().start(() -> oneTurn(sequence, latencies, lost)));
            }
            for (Thread t : turns) {
                t.join();
            }
            lags.add(lag(admin));
        }
        double seconds = config.e2eSeconds().toSeconds();
        String lagText = lags.stream().map(String::valueOf).collect(Collectors.joining(" "));
        System.out.println("end to end: turns waiting in the extractor's and dedup's groups, every 5 s: " + lagText);
        long maxLag = lags.stream().mapToLong(Long::longValue).max().orElse(0);
        return List.of(
                new Result(
                        "e2e",
                        "turn 202 -> fact visible, offered " + config.e2eRate() + " turns/s",
                        latencies.count() / seconds,
                        "facts/s",
                        latencies.quantileMillis(0.50),
                        latencies.quantileMillis(0.99),
                        lost.get(),
                        null,
                        null),
                new Result(
                        "e2e",
                        "consumer lag: max " + maxLag + ", at the end " + lags.getLast() + " records",
                        Double.NaN,
                        "",
                        Double.NaN,
                        Double.NaN,
                        0,
                        null,
                        null));
    }

    private void oneTurn(long n, Latencies latencies, AtomicLong lost) {
        String user = "e2e-" + run + "-" + n;
        String company = "Company" + run + "x" + n;
        try {
            String body =
                    "{\"session_id\": \"%s\", \"user_id\": \"%s\", \"role\": \"user\", \"content\": \"I work at %s.\"}"
                            .formatted("e2e-" + run + "-" + n, user, company);
            HttpResponse<String> accepted = http.send(
                    request("/v1/turns")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (accepted.statusCode() != 202) {
                lost.incrementAndGet();
                return;
            }
            long acceptedAt = System.nanoTime();
            long deadline = acceptedAt + GIVE_UP.toNanos();
            while (System.nanoTime() < deadline) {
                HttpResponse<String> facts = http.send(
                        request("/v1/users/" + user + "/facts").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (facts.body().contains(company)) {
                    latencies.add(System.nanoTime() - acceptedAt);
                    return;
                }
                Thread.sleep(POLL);
            }
            lost.incrementAndGet();
        } catch (Exception e) {
            lost.incrementAndGet();
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(config.api() + path)).header("Content-Type", "application/json");
        if (config.apiKey() != null) {
            request.header("Authorization", "Bearer " + config.apiKey());
        }
        return request;
    }

    /** Turns not yet consumed by the extractor plus candidates not yet merged by dedup. */
    private long lag(Admin admin) throws Exception {
        return lag(admin, config.extractorGroup(), Topics.TURNS.name())
                + lag(admin, config.dedupGroup(), Topics.FACT_CANDIDATES.name());
    }

    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .filter(tp -> tp.topic().equals(topic))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get();
        long total = 0;
        for (var e : ends.entrySet()) {
            total += Math.max(
                    0, e.getValue().offset() - committed.get(e.getKey()).offset());
        }
        return total;
    }
}
