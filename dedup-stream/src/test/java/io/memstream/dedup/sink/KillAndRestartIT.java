package io.memstream.dedup.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.events.Fact;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactCandidate.Operation;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactKey;
import io.memstream.common.topics.Topics;
import io.memstream.dedup.DedupStreamApplication;
import io.memstream.dedup.merge.DedupSettings;
import io.memstream.dedup.merge.FactMerger;
import io.memstream.dedup.merge.FactState;
import io.memstream.testkit.TestDatabase;
import io.memstream.testkit.TestInfra;
import io.memstream.testkit.TopicProbe;
import io.memstream.testkit.TopicWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.node.StringNode;

/**
 * Exactly once into Postgres, shown the hard way: dedup-stream runs as its own process, is killed
 * with SIGKILL while it is writing, and is started again. The final facts and fact_history tables
 * must equal, row for row, what the merge rules give when every candidate is applied exactly once.
 */
class KillAndRestartIT {

    private static final String RUN = TestInfra.uniqueId("kill");
    private static final String TENANT = TestInfra.uniqueId("tenant");
    private static final int KEYS = 60;
    private static final int CANDIDATES_PER_KEY = 40;
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private final JdbcTemplate jdbc =
            new JdbcTemplate(new DriverManagerDataSource(TestDatabase.URL, TestDatabase.USER, TestDatabase.PASSWORD));
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void schema() {
        // On a fresh database this may run first, and it counts rows before its child has migrated.
        TestSchema.migrate();
    }

    @AfterEach
    void stopProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    /** The workload and the rows it must leave, computed by applying each candidate once. */
    private record Workload(List<FactCandidate> candidates, List<String> facts, List<String> history) {}

    private static Workload workload() {
        FactMerger merger = new FactMerger(DedupSettings.DEFAULTS);
        Map<FactKey, FactState> states = new HashMap<>();
        List<FactCandidate> candidates = new ArrayList<>();
        List<String> history = new ArrayList<>();
        Random random = new Random(42);
        String[] values = {"red", "green", "blue"};
        for (int i = 0; i < KEYS * CANDIDATES_PER_KEY; i++) {
            int k = i % KEYS;
            FactKey key = new FactKey(TENANT, "user-" + (k % 6), "default", "attr." + k);
            FactState state = states.get(key);
            Instant at = T0.plusSeconds(i - random.nextInt(3) * 5L);
            String turn = "turn-" + i;
            FactCandidate candidate;
            int dice = random.nextInt(100);
            if (dice < 5 && state != null && state.current() != null) {
                candidate = command(Operation.DELETE, key, state.current().factId(), "x", "delete-" + i, at);
            } else if (dice < 10 && state != null && state.current() != null) {
                candidate = command(Operation.EDIT, key, state.current().factId(), "edited " + i, "edit-" + i, at);
            } else if (dice < 15 && !candidates.isEmpty()) {
                // A redelivery: counted once, whatever the restart does.
                candidate = candidates.get(random.nextInt(candidates.size()));
                key = candidate.factKey();
                state = states.get(key);
            } else {
                String value = values[random.nextInt(values.length)];
                candidate = new FactCandidate(
                        "c-" + turn,
                        key,
                        StringNode.valueOf(value),
                        "User's " + key.key() + " is " + value + ".",
                        null,
                        List.of(),
                        List.of(),
                        0.3 + random.nextInt(65) / 100.0,
                        List.of(turn),
                        null,
                        "rules/1",
                        at,
                        null);
            }
            candidates.add(candidate);
            FactKey merged = key;
            var merge = merger.merge(state, candidate);
            merge.ifPresent(m -> {
                states.put(merged, m.state());
                FactEvent event = m.event();
                if (event.retired() != null) {
                    history.add(
                            historyRow(event.retired(), event.change().name().toLowerCase(Locale.ROOT)));
                }
            });
        }
        List<String> facts = states.values().stream()
                .map(FactState::current)
                .filter(f -> f != null)
                .map(KillAndRestartIT::factRow)
                .sorted()
                .toList();
        return new Workload(candidates, facts, history.stream().sorted().toList());
    }

    private static FactCandidate command(
            Operation op, FactKey key, String memoryId, String value, String id, Instant at) {
        return new FactCandidate(
                id,
                key,
                StringNode.valueOf(value),
                "User's " + key.key() + " is " + value + ".",
                null,
                List.of(),
                List.of(),
                1.0,
                List.of(id),
                null,
                "api",
                at,
                null,
                op,
                memoryId,
                null);
    }

    private static String factRow(Fact f) {
        return String.join(
                "|",
                f.factId(),
                f.factKey().userId(),
                f.factKey().key(),
                f.value().asString(),
                f.text(),
                String.format(Locale.ROOT, "%.6f", f.confidence()),
                String.join(",", f.sourceTurnIds()),
                f.validFrom().toString(),
                f.lastSeenAt().toString());
    }

    private static String historyRow(Fact f, String change) {
        return String.join(
                "|",
                f.factId(),
                f.factKey().key(),
                f.value().asString(),
                String.format(Locale.ROOT, "%.6f", f.confidence()),
                f.validFrom().toString(),
                String.valueOf(f.validTo()),
                change);
    }

    private List<String> storedFacts() {
        return jdbc
                .query(
                        "SELECT id, user_id, fact_key, value #>> '{}' AS value, text, confidence, source_turn_ids,"
                                + " valid_from, last_seen_at, embedding IS NOT NULL AS embedded FROM facts WHERE tenant_id = ?",
                        (rs, i) -> {
                            assertThat(rs.getBoolean("embedded")).as("embedded").isTrue();
                            return String.join(
                                    "|",
                                    rs.getString("id"),
                                    rs.getString("user_id"),
                                    rs.getString("fact_key"),
                                    rs.getString("value"),
                                    rs.getString("text"),
                                    String.format(Locale.ROOT, "%.6f", rs.getDouble("confidence")),
                                    String.join(",", (String[])
                                            rs.getArray("source_turn_ids").getArray()),
                                    rs.getTimestamp("valid_from").toInstant().toString(),
                                    rs.getTimestamp("last_seen_at").toInstant().toString());
                        },
                        TENANT)
                .stream()
                .sorted()
                .toList();
    }

    private List<String> storedHistory() {
        return jdbc
                .query(
                        "SELECT fact_id, fact_key, value #>> '{}' AS value, confidence, valid_from, valid_to, change"
                                + " FROM fact_history WHERE tenant_id = ?",
                        (rs, i) -> String.join(
                                "|",
                                rs.getString("fact_id"),
                                rs.getString("fact_key"),
                                rs.getString("value"),
                                String.format(Locale.ROOT, "%.6f", rs.getDouble("confidence")),
                                rs.getTimestamp("valid_from").toInstant().toString(),
                                String.valueOf(
                                        rs.getTimestamp("valid_to") == null
                                                ? null
                                                : rs.getTimestamp("valid_to").toInstant()),
                                rs.getString("change")),
                        TENANT)
                .stream()
                .sorted()
                .toList();
    }

    private int storedRows() {
        Integer n = jdbc.queryForObject(
                "SELECT (SELECT count(*) FROM facts WHERE tenant_id = ?) + (SELECT count(*) FROM fact_history WHERE tenant_id = ?)",
                Integer.class,
                TENANT,
                TENANT);
        return n == null ? 0 : n;
    }

    /** The warnings and errors of both processes, for a failure's message: what went wrong is there. */
    private static String childProblems() {
        List<String> lines = new ArrayList<>();
        for (String name : List.of("first", "second")) {
            Path log = Path.of("target", "kill-and-restart-" + name + ".log");
            try {
                Files.readAllLines(log).stream()
                        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                        .filter(l -> !l.contains("CudaUtils") && !l.contains("HuggingFaceTokenizer"))
                        .limit(20)
                        .forEach(l -> lines.add(name + ": " + l));
            } catch (IOException e) {
                lines.add(name + ": no log (" + e.getMessage() + ")");
            }
        }
        return lines.isEmpty() ? "no warnings in either process's log" : String.join("\n", lines);
    }

    /** Records on the candidates topic, from every test of this JVM: the sum of its end offsets. */
    private static long candidatesOnTopic() {
        return TopicProbe.endOffsets(Topics.FACT_CANDIDATES.name()).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    /** dedup-stream in a JVM of its own, on this test's broker and database. */
    private Process startDedupStream(String name) throws IOException {
        Map<String, Object> properties = new HashMap<>(TestInfra.properties());
        properties.put("server.port", "0");
        properties.put("spring.kafka.streams.application-id", "dedup-" + RUN);
        properties.put(
                "spring.kafka.streams.state-dir",
                Path.of("target", "streams-" + RUN).toAbsolutePath().toString());
        properties.put("memstream.sink.offsets-scope", RUN);
        // Kafka is at ERROR in the tests' logback; its Streams warnings are what a failure here needs.
        properties.put("logging.level.org.apache.kafka.streams", "WARN");
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx768m",
                "-Djava.io.tmpdir=" + Path.of("target").toAbsolutePath(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                DedupStreamApplication.class.getName()));
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        Path log = Path.of("target", "kill-and-restart-" + name + ".log");
        Files.deleteIfExists(log);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        processes.add(process);
        return process;
    }

    @Test
    void aWriterKilledMidStreamEndsWithExactlyTheRowsOfApplyingEachCandidateOnce() throws Exception {
        Workload workload = workload();
        int expectedRows = workload.facts().size() + workload.history().size();
        long before = candidatesOnTopic();
        TopicWriter.sendAll(
                Topics.FACT_CANDIDATES,
                workload.candidates().stream()
                        .map(c -> Map.entry(c.factKey(), c))
                        .toList());
        // The comparison below is only fair if the topic holds every candidate of the workload.
        assertThat(candidatesOnTopic() - before)
                .as("candidates on the topic")
                .isEqualTo(workload.candidates().size());

        Process first = startDedupStream("first");
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !first.isAlive() || storedRows() > 0);
        assertThat(first.isAlive())
                .as("the first dedup-stream process died by itself; see its log")
                .isTrue();
        first.destroyForcibly().waitFor();
        int atKill = storedRows();
        assertThat(atKill)
                .as("the kill must land mid-stream: raise the workload if the writer finished first")
                .isLessThan(expectedRows);

        System.out.printf(
                "KillAndRestartIT: %d candidates; killed with %d of %d rows written%n",
                workload.candidates().size(), atKill, expectedRows);
        Process second = startDedupStream("second");
        await().atMost(Duration.ofMinutes(6))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(second.isAlive())
                            .as("the restarted dedup-stream died; see its log")
                            .isTrue();
                    assertThat(storedRows())
                            .as(() -> "rows of the restarted process; warnings:\n" + childProblems())
                            .isGreaterThanOrEqualTo(expectedRows);
                });

        assertThat(storedFacts()).containsExactlyElementsOf(workload.facts());
        assertThat(storedHistory()).containsExactlyElementsOf(workload.history());
    }
}
