package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.testkit.ClosedPort;
import io.memstream.testkit.TestInfra;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripts' failure paths: one clear line saying what and where, and a non-zero exit. */
class ScriptsIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path home;

    record Result(int exitCode, String stderr) {}

    private Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
        builder.environment().put("MEMSTREAM_HOME", home.toString());
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Path stderr = home.resolve("stderr.txt");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("script did not finish within 120 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void upRefusesAPortTakenBySomethingElseBeforeInstallingAnything() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Every other port is free, so the clash reported is the one we made, whatever else runs here.
            Map<String, String> env = new HashMap<>();
            for (String port : List.of(
                    "MEMSTREAM_PG_PORT",
                    "MEMSTREAM_KAFKA_PORT",
                    "MEMSTREAM_KAFKA_CONTROLLER_PORT",
                    "MEMSTREAM_PORT",
                    "MEMSTREAM_EXTRACTOR_PORT",
                    "MEMSTREAM_DEDUP_PORT")) {
                env.put(port, Integer.toString(ClosedPort.pick()));
            }
            env.put("MEMSTREAM_REDIS_PORT", Integer.toString(taken.getLocalPort()));
            Result result = run(List.of("scripts/up"), env);

            assertThat(result.exitCode()).isNotZero();
            assertThat(result.stderr().strip())
                    .isEqualTo(
                            "[memstream] ERROR: port " + taken.getLocalPort()
                                    + " for Redis is already in use by another process (set the matching MEMSTREAM_*_PORT to move it)");
        }
    }

    @Test
    void demoSaysHowToStartThePipelineWhenTheApiIsNotThere() throws Exception {
        int closed = ClosedPort.pick();
        Result result = run(List.of("scripts/demo"), Map.of("MEMSTREAM_PORT", Integer.toString(closed)));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr().strip())
                .isEqualTo("[memstream] ERROR: the API is not answering at http://127.0.0.1:" + closed
                        + " (start it with scripts/up)");
    }

    @Test
    void replayFollowsAJobToItsEndAndReportsWhatTheApiRefused() throws Exception {
        Map<String, String> env = Map.of("MEMSTREAM_API", Pipeline.shared().apiBaseUrl());

        Result succeeded = run(List.of("scripts/replay", "--user", TestInfra.uniqueId("nobody")), env);
        assertThat(succeeded.exitCode()).as(succeeded.stderr()).isZero();

        Result refused = run(List.of("scripts/replay", "--extractor", "gpt"), env);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr().strip())
                .endsWith("ERROR: POST /v1/jobs answered 400: extractor: must be rules or llm");

        int closed = ClosedPort.pick();
        Result away = run(List.of("scripts/replay"), Map.of("MEMSTREAM_API", "http://127.0.0.1:" + closed));
        assertThat(away.exitCode()).isNotZero();
        assertThat(away.stderr()).contains("the API is not answering at http://127.0.0.1:" + closed);
    }

    @Test
    void downRejectsAnUnknownOption() throws Exception {
        Result result = run(List.of("scripts/down", "--everything"), Map.of());

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("unknown option '--everything' (usage: scripts/down [--wipe])");
    }
}
