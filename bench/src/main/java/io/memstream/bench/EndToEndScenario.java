package io.memstream.bench;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * End to end: turns offered at a steady rate, each stating a new fact for a new user; the time from
 * the turn's 202 to the fact being visible through the API. It starts only once the pipeline is at
 * rest (an earlier run's backlog would be measured instead), and samples the lag of every stage
 * while it runs, to show whether the pipeline keeps up or falls behind.
 */
final class EndToEndScenario {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration GIVE_UP = Duration.ofSeconds(120);

    private final BenchConfig config;
    private final ApiClient api;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    EndToEndScenario(BenchConfig config) {
        this.config = config;
        this.api = new ApiClient(config);
    }

    List<Result> run() throws Exception {
        try (PipelineLag pipeline = new PipelineLag(config)) {
            pipeline.awaitRest(config.restTimeout());
            return measure(pipeline);
        }
    }

    private List<Result> measure(PipelineLag pipeline) throws Exception {
        Latencies latencies = new Latencies();
        AtomicLong lost = new AtomicLong();
        List<Thread> turns = new ArrayList<>();
        List<Long> lags = new CopyOnWriteArrayList<>();
        long intervalNanos = (long) (1e9 / config.e2eRate());
        long start = System.nanoTime();
        long end = start + config.e2eSeconds().toNanos();
        // Sampled beside the load, so that its round trips do not delay the turns offered.
        Thread sampler = Thread.ofVirtual().start(() -> sampleLag(pipeline, lags, end));
        for (long n = 0; start + n * intervalNanos < end; n++) {
            long due = start + n * intervalNanos;
            while (System.nanoTime() < due) {
                Thread.sleep(Duration.ofNanos(Math.min(due - System.nanoTime(), 5_000_000)));
            }
            long sequence = n;
            turns.add(Thread.ofVirtual().start(() -> oneTurn(sequence, latencies, lost)));
        }
        for (Thread t : turns) {
            t.join();
        }
        sampler.join();
        lags.add(pipeline.total());
        double seconds = config.e2eSeconds().toSeconds();
        String lagText = lags.stream().map(String::valueOf).collect(Collectors.joining(" "));
        System.out.println(
                "end to end: offsets waiting in all stages (extractor, dedup, Postgres sinks), every 5 s: " + lagText);
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
                        "lag of all stages: max " + maxLag + ", at the end " + lags.getLast() + " offsets",
                        Double.NaN,
                        "",
                        Double.NaN,
                        Double.NaN,
                        0,
                        null,
                        null));
    }

    private static void sampleLag(PipelineLag pipeline, List<Long> lags, long endNanos) {
        try {
            while (System.nanoTime() < endNanos) {
                lags.add(pipeline.total());
                Thread.sleep(Duration.ofSeconds(5));
            }
        } catch (Exception e) {
            System.err.println("bench: sampling the pipeline's lag failed: " + e);
        }
    }

    private void oneTurn(long n, Latencies latencies, AtomicLong lost) {
        String user = "e2e-" + run + "-" + n;
        String company = "Company" + run + "x" + n;
        try {
            String body =
                    "{\"session_id\": \"%s\", \"user_id\": \"%s\", \"role\": \"user\", \"content\": \"I work at %s.\"}"
                            .formatted("e2e-" + run + "-" + n, user, company);
            HttpResponse<String> accepted = api.send("POST", "/v1/turns", body);
            if (accepted.statusCode() != 202) {
                lost.incrementAndGet();
                return;
            }
            long acceptedAt = System.nanoTime();
            long deadline = acceptedAt + GIVE_UP.toNanos();
            while (System.nanoTime() < deadline) {
                HttpResponse<String> facts = api.send("GET", "/v1/users/" + user + "/facts", null);
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
}
