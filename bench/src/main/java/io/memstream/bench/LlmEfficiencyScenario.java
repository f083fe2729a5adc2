package io.memstream.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.ConsumerGroups;
import io.memstream.testkit.FakeOpenAiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
import tools.jackson.databind.JsonNode;

/**
 * LLM efficiency: an extractor-worker of its own, pointed at a fake OpenAI-compatible server that
 * answers every call after a fixed latency, reads only the turns this scenario writes. Turns/s when
 * many sessions arrive at once, next to what that latency allows at the configured concurrency and
 * batch size; and for single conversations of 10, 100 and 1000 turns, LLM calls per 100 turns and
 * prompt tokens per turn (cl100k: every message of the call and its response schema).
 */
final class LlmEfficiencyScenario {

    // Passed to the worker explicitly (its defaults too), so the table states what was configured.
    private static final int BATCH_TURNS = 8;
    private static final int MAX_CONCURRENT = 16;
    private static final String BATCH_IDLE = "300ms";
    private static final int SESSIONS = 64;
    private static final int TURNS_PER_SESSION = 16;
    private static final List<Integer> LENGTHS = List.of(10, 100, 1000);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration WORKER_START = Duration.ofSeconds(120);
    private static final List<String> SENTENCES = List.of(
            "On day %d of the trip I hiked up to the lake and swam before lunch.",
            "I have been practising the cello for %d weeks and my teacher says it shows.",
            "We tried ramen place number %d downtown tonight and the broth was excellent.",
            "I finished chapter %d of the sailing book and booked a beginner course.",
            "It took me %d minutes to cycle to the office this morning in the rain.");
    // A fact for the first turn cited, so that dedup and the sink downstream do real work.
    private static final String ONE_FACT = """
            {"facts": [{"key": "preference.activity", "value": "activity of %s", \
            "text": "User described an activity.", "memory_type": "semantic", "topics": ["activities"], \
            "entities": [], "event_date": "", "confidence": 0.9, "source_turn_ids": ["%s"]}]}""";

    private final BenchConfig config;
    private final String run = "bench-llm-" + UUID.randomUUID().toString().substring(0, 8);
    private final String group = "memstream-" + run;
    private final Pattern citedTurn = Pattern.compile("\\[(" + Pattern.quote(run) + "-[^\\]]+)]");
    private final Map<String, Integer> timesCited = new ConcurrentHashMap<>();
    private final Map<String, Long> firstCitedNanos = new ConcurrentHashMap<>();
    private final Encoding cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final ApiClient api;
    private final Path log;
    private String tenant;

    LlmEfficiencyScenario(BenchConfig config) {
        this.config = config;
        this.api = new ApiClient(config);
        this.log = config.logDir().resolve("bench-llm-worker.log");
    }

    List<Result> run() throws Exception {
        tenant = api.tenant();
        try {
            return measure();
        } finally {
            // Its users' turns would otherwise also be extracted by the rules and embedded into the archive.
            api.erase(users);
        }
    }

    private List<Result> measure() throws Exception {
        try (FakeOpenAiServer llm = new FakeOpenAiServer().respondWith(this::answer);
                Admin admin = Admin.create(Map.of("bootstrap.servers", config.kafka()));
                KafkaProducer<SessionKey, Turn> producer = config.producer(Topics.TURNS)) {
            // A new group would start from the earliest turn (and summary request) ever written.
            ConsumerGroups.startAtEnd(admin, group, Topics.TURNS.name());
            ConsumerGroups.startAtEnd(admin, group + "-summaries", Topics.SUMMARY_REQUESTS.name());
            Process worker = startWorker(llm);
            // A bench stopped with Ctrl-C runs no finally blocks; the worker must not outlive it.
            Thread reaper = new Thread(worker::destroy);
            Runtime.getRuntime().addShutdownHook(reaper);
            try {
                awaitStable(admin, worker);
                // Conversations first: they also warm the worker's JVM up for the throughput run.
                List<Result> conversations = new ArrayList<>();
                for (int length : LENGTHS) {
                    conversations.add(conversation(llm, producer, length));
                }
                long latency = config.llmLatency().toMillis();
                // Computed, not measured: the most any extractor can do at this latency and configuration.
                String limitText = "ceiling (computed): %d calls at once x %d turns / %d ms";
                Result limit = row(
                        limitText.formatted(MAX_CONCURRENT, BATCH_TURNS, latency),
                        MAX_CONCURRENT * BATCH_TURNS * 1000.0 / latency,
                        "turns/s");
                List<Result> results =
                        new ArrayList<>(List.of(throughput(llm, producer).comparedWith(limit), limit));
                results.addAll(conversations);
                return results;
            } finally {
                stop(worker);
                Runtime.getRuntime().removeShutdownHook(reaper);
                deleteGroups(admin);
            }
        }
    }

    /** From the first send to the last LLM answer (the fake answers each call exactly its latency after). */
    private Result throughput(FakeOpenAiServer llm, KafkaProducer<SessionKey, Turn> producer) throws Exception {
        List<Turn> turns = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            turns.addAll(turns("t" + s, TURNS_PER_SESSION));
        }
        long start = System.nanoTime();
        send(producer, turns);
        awaitCitedOnce(turns, SESSIONS);
        long lastCall = turns.stream()
                .mapToLong(t -> firstCitedNanos.get(t.turnId()))
                .max()
                .orElseThrow();
        double elapsed = seconds(lastCall + config.llmLatency().toNanos() - start);
        return row(
                "turns through the LLM, %d sessions x %d turns at once (%d calls at most at once)"
                        .formatted(SESSIONS, TURNS_PER_SESSION, llm.mostConcurrentRequests()),
                turns.size() / elapsed,
                "turns/s");
    }

    private Result conversation(FakeOpenAiServer llm, KafkaProducer<SessionKey, Turn> producer, int length)
            throws Exception {
        List<Turn> turns = turns("c" + length, length);
        send(producer, turns);
        awaitCitedOnce(turns, 1);
        String cites = "[" + turns.getFirst().sessionId() + "-";
        List<JsonNode> calls = llm.requests().stream()
                .filter(r -> userMessage(r).contains(cites))
                .toList();
        long tokens = 0;
        for (JsonNode call : calls) {
            for (JsonNode message : call.path("messages")) {
                tokens += cl100k.countTokens(message.path("content").asString(""));
            }
            // The structured-output schema is sent, and billed as prompt, with every call too.
            JsonNode schema = call.path("response_format");
            tokens += schema.isMissingNode() ? 0 : cl100k.countTokens(schema.toString());
        }
        return row(
                String.format(
                        Locale.ROOT,
                        "%d-turn session: %d calls = %.1f/100 turns; prompt tokens/turn (cl100k, messages + schema)",
                        length,
                        calls.size(),
                        calls.size() * 100.0 / length),
                (double) tokens / length,
                "tok/turn");
    }

    /** Records which turns each call cites (the prompt's "[turn-id] time: content" lines). */
    private FakeOpenAiServer.Reply answer(JsonNode request) {
        long now = System.nanoTime();
        Matcher cited = citedTurn.matcher(userMessage(request));
        String first = null;
        while (cited.find()) {
            String id = cited.group(1);
            first = first == null ? id : first;
            timesCited.merge(id, 1, Integer::sum);
            firstCitedNanos.putIfAbsent(id, now);
        }
        // Someone else's turn, written after the group's start offsets were set: no facts for it.
        String facts = first == null ? "{\"facts\": []}" : ONE_FACT.formatted(first, first);
        return FakeOpenAiServer.content(facts, 0, 0).slowedBy(config.llmLatency());
    }

    private void awaitCitedOnce(List<Turn> turns, int sessions) throws InterruptedException {
        // Generous: calls needed one after another at this latency, four times over, plus a minute.
        long rounds = (long) Math.ceil((double) turns.size() / BATCH_TURNS / Math.min(sessions, MAX_CONCURRENT));
        Duration atMost = Duration.ofSeconds(60).plus(config.llmLatency().multipliedBy(4 * rounds));
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            int missing = 0;
            for (Turn turn : turns) {
                int cited = timesCited.getOrDefault(turn.turnId(), 0);
                if (cited > 1) {
                    throw new IllegalStateException("turn " + turn.turnId() + " was sent to the LLM " + cited
                            + " times, not once; see " + log.toAbsolutePath());
                }
                missing += cited == 0 ? 1 : 0;
            }
            if (missing == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(missing + " of " + turns.size() + " turns never reached the fake LLM"
                        + " within " + atMost.toSeconds() + " s; see " + log.toAbsolutePath());
            }
            Thread.sleep(POLL);
        }
    }

    private List<Turn> turns(String session, int count) {
        String sessionId = run + "-" + session;
        String user = run + "-user-" + session;
        users.add(user);
        Instant t0 = Instant.now();
        List<Turn> turns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Instant at = t0.plusMillis(i);
            String content = SENTENCES.get(i % SENTENCES.size()).formatted(i + 1);
            turns.add(new Turn(sessionId + "-" + i, tenant, "default", user, sessionId, "user", content, at, at));
        }
        return turns;
    }

    private static void send(KafkaProducer<SessionKey, Turn> producer, List<Turn> turns) throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>(turns.size());
        for (Turn turn : turns) {
            sends.add(producer.send(new ProducerRecord<>(Topics.TURNS.name(), turn.sessionKey(), turn)));
        }
        for (Future<RecordMetadata> send : sends) {
            send.get(30, TimeUnit.SECONDS);
        }
    }

    private Process startWorker(FakeOpenAiServer llm) throws IOException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElseThrow(() -> new IllegalStateException(
                        "cannot tell which java runs the bench, to start the extractor-worker"));
        if (!Files.isRegularFile(config.extractorJar())) {
            throw new IllegalStateException(
                    "no extractor-worker jar at " + config.extractorJar().toAbsolutePath()
                            + " (--extractor-jar); build it with ./mvnw -pl extractor-worker -am package -DskipTests");
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(
                        java, "-Xmx512m", "-jar", config.extractorJar().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("MEMSTREAM_KAFKA_BOOTSTRAP", config.kafka());
        env.put("MEMSTREAM_DB_URL", config.dbUrl());
        env.put("MEMSTREAM_DB_USER", config.dbUser());
        env.put("MEMSTREAM_DB_PASSWORD", config.dbPassword());
        env.put("MEMSTREAM_EXTRACTOR_PORT", "0");
        env.put("MEMSTREAM_EXTRACTOR_GROUP_ID", group);
        env.put("MEMSTREAM_EXTRACTOR_BATCH_TURNS", Integer.toString(BATCH_TURNS));
        env.put("MEMSTREAM_EXTRACTOR_BATCH_IDLE", BATCH_IDLE);
        env.put("MEMSTREAM_EXTRACTOR_MAX_CONCURRENT", Integer.toString(MAX_CONCURRENT));
        env.put("MEMSTREAM_LLM_BASE_URL", llm.baseUrl());
        // Replay jobs queued by anyone else must not be run against the fake LLM.
        env.put("MEMSTREAM_JOBS_ENABLED", "false");
        return builder.start();
    }

    private void awaitStable(Admin admin, Process worker) throws Exception {
        long deadline = System.nanoTime() + WORKER_START.toNanos();
        while (true) {
            if (!worker.isAlive()) {
                throw new IllegalStateException("the extractor-worker exited with " + worker.exitValue()
                        + " before joining " + group + "; see " + log.toAbsolutePath());
            }
            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(group);
            if (described.groupState() == GroupState.STABLE
                    && !described.members().isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the extractor-worker did not join consumer group " + group
                        + " within " + WORKER_START.toSeconds() + " s (state " + described.groupState() + "); see "
                        + log.toAbsolutePath());
            }
            Thread.sleep(POLL);
        }
    }

    private static void stop(Process worker) throws InterruptedException {
        worker.destroy();
        if (!worker.waitFor(60, TimeUnit.SECONDS)) {
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void deleteGroups(Admin admin) throws InterruptedException {
        try {
            admin.deleteConsumerGroups(List.of(group, group + "-summaries"))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("bench: could not delete consumer groups " + group + "(-summaries): " + e);
        }
    }

    private static String userMessage(JsonNode request) {
        return request.path("messages").path(1).path("content").asString("");
    }

    private static Result row(String measured, double rate, String unit) {
        return new Result("llm", measured, rate, unit, Double.NaN, Double.NaN, 0, null, null);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
