package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.topics.Topics;
import io.memstream.testkit.Api;
import io.memstream.testkit.DedupProgress;
import io.memstream.testkit.FakeOpenAiServer;
import io.memstream.testkit.SharedKafka;
import io.memstream.testkit.TestDatabase;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Replay jobs on the real broker: the same extractor changes nothing, progress is reported, a job
 * can be cancelled, and a job survives its worker stopping, resuming where it was.
 */
class ReplayJobIT {

    private static final Duration DONE = Duration.ofSeconds(90);
    private static final String GATED = "of the replay test.";
    // The job's LLM calls (its turns say GATED) are answered one per permit the test hands out, so
    // the job is exactly as far as the test lets it be when it cancels or stops it.
    private static final Semaphore JOB_CALLS = new Semaphore(0);
    private static final FakeOpenAiServer LLM = new FakeOpenAiServer().respondWith(ReplayJobIT::answer);
    private static Api api;

    private static FakeOpenAiServer.Reply answer(JsonNode request) {
        if (request.get("messages").get(1).get("content").asString().contains(GATED)) {
            try {
                if (!JOB_CALLS.tryAcquire(2, TimeUnit.MINUTES)) {
                    return new FakeOpenAiServer.Reply(500, "{\"error\": {\"message\": \"no permit\"}}", Map.of());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return FakeOpenAiServer.content("""
                {"facts": [{"key": "hobby", "value": "chess", "text": "User plays chess.",
                            "memory_type": "semantic", "topics": [], "entities": [],
                            "event_date": "", "confidence": 0.6}]}""", 200, 30);
    }

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
    }

    @AfterAll
    static void stop() {
        JOB_CALLS.release(10_000);
        LLM.close();
    }

    private static String say(String user, String session, String content) {
        var accepted = api.post("/v1/turns", """
                {"session_id": "%s", "user_id": "%s", "role": "user", "content": "%s"}""".formatted(session, user, content));
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.body().get("turn_ids").get(0).asString();
    }

    private static JsonNode job(String id) {
        return api.get("/v1/jobs/" + id).body();
    }

    private static String startJob(String body) {
        var started = api.post("/v1/jobs", body);
        assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
        return started.body().get("id").asString();
    }

    private static long changesOf(String user) {
        return TopicProbe.values(Topics.FACT_CHANGELOG).stream()
                .filter(e -> e.factKey().userId().equals(user))
                .count();
    }

    private static List<FactCandidate> candidatesOf(String jobId) {
        return TopicProbe.values(Topics.FACT_CANDIDATES).stream()
                .filter(c -> jobId.equals(c.jobId()))
                .toList();
    }

    @Test
    void replayingWithTheSameExtractorChangesNoFactAndReportsItsProgress() {
        String user = TestInfra.uniqueId("rp");
        say(user, TestInfra.uniqueId("s"), "I work at Initech.");
        say(user, TestInfra.uniqueId("s"), "I live in Lisbon.");
        String profile = "/v1/users/" + user + "/facts?include_history=true";
        await().atMost(DONE).until(() -> api.get(profile).body().get("facts").size() == 2);
        JsonNode before = api.get(profile).body();
        DedupProgress.awaitMerged(Pipeline.dedupApplicationId(), DONE);
        long changesBefore = changesOf(user);

        String id = startJob("{\"user_id\": \"%s\"}".formatted(user));
        await().atMost(DONE).until(() -> job(id).get("state").asString().equals("succeeded"));

        JsonNode done = job(id);
        assertThat(done.get("done").asLong())
                .isEqualTo(done.get("total").asLong())
                .isPositive();
        assertThat(done.get("matched").asLong()).isEqualTo(2);
        assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(done.get("rate").asDouble()).isPositive();
        assertThat(done.get("extractor").asString()).isEqualTo("rules");
        List<FactCandidate> tagged = candidatesOf(id);
        assertThat(tagged).hasSize(done.get("candidates").asInt()).isNotEmpty();
        assertThat(tagged).allSatisfy(c -> assertThat(c.extractor()).isEqualTo("rules/1"));

        // Every candidate's evidence was counted already: once dedup has merged them all, it made no
        // change, and the profile is the same, value for value.
        DedupProgress.awaitMerged(Pipeline.dedupApplicationId(), DONE);
        assertThat(changesOf(user)).isEqualTo(changesBefore);
        assertThat(api.get(profile).body()).isEqualTo(before);
        assertThat(api.post("/v1/jobs/" + id + "/cancel", "").status())
                .as("a finished job")
                .isEqualTo(409);
    }

    @Test
    void aJobIsCancelledAndSurvivesItsWorkerStoppingWithoutRedoingOrSkippingATurn() {
        String user = TestInfra.uniqueId("rp");
        String live = TestInfra.uniqueId("live");
        Instant from = Instant.now().minusSeconds(1);
        List<String> turns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            turns.add(say(user, TestInfra.uniqueId("s"), "Turn number " + i + " " + GATED));
        }
        String llmJob = "{\"user_id\": \"%s\", \"extractor\": \"llm\", \"model\": \"fake-model\", \"from\": \"%s\"}"
                .formatted(user, from);

        // No worker has an LLM yet: the job waits, and a waiting job is cancelled at once.
        String waiting = startJob(llmJob);
        assertThat(job(waiting).get("state").asString()).isEqualTo("pending");
        assertThat(api.post("/v1/jobs/" + waiting + "/cancel", "")
                        .body()
                        .get("state")
                        .asString())
                .isEqualTo("cancelled");

        Map<String, Object> llmWorker =
                Map.of("memstream.llm.base-url", LLM.baseUrl(), "memstream.jobs.batch-records", "1");
        String cancelled = startJob(llmJob);
        String resumed;
        long doneAtStop;
        ConfigurableApplicationContext first = Pipeline.extraExtractor(llmWorker);
        try {
            JOB_CALLS.release(1);
            await().atMost(DONE).until(() -> job(cancelled).get("matched").asLong() > 0);
            var cancel = api.post("/v1/jobs/" + cancelled + "/cancel", "");
            assertThat(cancel.body().get("cancel_requested").asBoolean()).isTrue();
            // The step in progress may be waiting for its answer; the job stops after it.
            JOB_CALLS.release(1);
            await().atMost(DONE)
                    .until(() -> job(cancelled).get("state").asString().equals("cancelled"));
            assertThat(job(cancelled).get("done").asLong())
                    .isLessThan(job(cancelled).get("total").asLong());
            JOB_CALLS.drainPermits();

            resumed = startJob(llmJob);
            // Live traffic while the job runs is extracted as usual (its own consumer, not the job's).
            say(live, TestInfra.uniqueId("s"), "I live in Porto.");
            JOB_CALLS.release(3);
            await().atMost(DONE).until(() -> job(resumed).get("matched").asLong() >= 3);
            // The job now waits for the answer to its fourth turn, which never comes: the worker stops
            // mid-step and hands the job back.
            first.close();
            doneAtStop = job(resumed).get("done").asLong();
            assertThat(job(resumed).get("state").asString()).isEqualTo("running");
            assertThat(job(resumed).get("matched").asLong()).isLessThan(turns.size());
        } finally {
            first.close();
        }
        JOB_CALLS.release(10_000);
        ConfigurableApplicationContext second = Pipeline.extraExtractor(llmWorker);
        try {
            await().atMost(DONE)
                    .until(() -> job(resumed).get("state").asString().equals("succeeded"));
        } finally {
            second.close();
        }
        JsonNode finished = job(resumed);
        assertThat(finished.get("done").asLong())
                .isEqualTo(finished.get("total").asLong())
                .isGreaterThan(doneAtStop);
        assertThat(finished.get("matched").asLong()).isEqualTo(turns.size());
        // Each turn was extracted once by the job, across both workers: none again, none skipped.
        List<String> sources = new ArrayList<>();
        candidatesOf(resumed).forEach(c -> sources.addAll(c.sourceTurnIds()));
        assertThat(sources).containsExactlyInAnyOrderElementsOf(turns);
        JsonNode learned =
                api.get("/v1/users/" + live + "/facts").body().get("facts").get(0);
        assertThat(Instant.parse(learned.get("updated_at").asString()))
                .as("the live turn was learned while the job ran")
                .isBefore(Instant.parse(finished.get("finished_at").asString()));
        assertThat(candidatesOf(resumed))
                .allSatisfy(c -> assertThat(c.extractor()).contains("fake-model"));
    }

    @Test
    void aJobWhoseWorkerDiedIsTakenOverWhenItsLeaseRunsOutAndResumesFromItsStoredPositions() throws Exception {
        String user = TestInfra.uniqueId("rp");
        for (int i = 0; i < 3; i++) {
            say(user, TestInfra.uniqueId("s"), "I work at Initech.");
        }
        // An LLM job waits (no worker here has an LLM) while it is turned into a dead worker's job.
        String id = startJob("{\"user_id\": \"%s\", \"extractor\": \"llm\"}".formatted(user));
        Map<Integer, Long> ends = turnsEndOffsets();
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        try (Connection db = TestDatabase.connect()) {
            // The dead worker read every range to its end, counted 7 turns in scope and 5 candidates,
            // and died holding the job before marking it done.
            for (var end : ends.entrySet()) {
                execute(
                        db,
                        "INSERT INTO replay_job_partitions (job_id, partition, start_offset, end_offset, next_offset)"
                                + " VALUES (?, ?, 0, ?, ?)",
                        id,
                        end.getKey(),
                        end.getValue(),
                        end.getValue());
            }
            execute(
                    db,
                    "UPDATE replay_jobs SET extractor = 'rules', state = 'running', lease_owner = 'dead-worker',"
                            + " lease_until = now() + interval '2 seconds', started_at = now(), total = ?, done = ?,"
                            + " matched = 7, candidates = 5 WHERE id = ?",
                    total,
                    total,
                    id);
        }

        await().atMost(DONE).until(() -> job(id).get("state").asString().equals("succeeded"));
        JsonNode done = job(id);
        assertThat(done.get("matched").asLong()).as("nothing read again").isEqualTo(7);
        assertThat(done.get("candidates").asLong()).isEqualTo(5);
        assertThat(done.get("done").asLong()).isEqualTo(total);
        assertThat(candidatesOf(id)).isEmpty();
    }

    @Test
    void aFailingJobIsTriedAgainThenGivenUpWithTheReason() {
        String user = TestInfra.uniqueId("rp");
        ConfigurableApplicationContext worker =
                Pipeline.extraExtractor(Map.of("memstream.llm.base-url", LLM.baseUrl()));
        try {
            String id = startJob(
                    "{\"user_id\": \"%s\", \"extractor\": \"llm\", \"prompt_version\": \"v99\"}".formatted(user));
            await().atMost(DONE).until(() -> job(id).get("state").asString().equals("failed"));
            assertThat(job(id).get("error").asString()).contains("extract-facts-v99");
            assertThat(job(id).get("attempts").asInt()).isEqualTo(3);
        } finally {
            worker.close();
        }
    }

    private static void execute(Connection db, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            statement.executeUpdate();
        }
    }

    private static Map<Integer, Long> turnsEndOffsets() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TURNS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            Map<Integer, Long> ends = new HashMap<>();
            consumer.endOffsets(partitions).forEach((tp, end) -> ends.put(tp.partition(), end));
            return ends;
        }
    }
}
