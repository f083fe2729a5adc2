package io.memstream.ingest.jobs;

import static io.memstream.testkit.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.ingest.RunningIngestApi;
import io.memstream.testkit.TestInfra;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** The jobs and erasure routes at the edge (no worker runs here: jobs stay pending). */
@TestPropertySource(properties = {"memstream.auth.enabled=false"})
class JobsApiIT extends RunningIngestApi {

    String user;

    @BeforeEach
    void setUp() {
        user = TestInfra.uniqueId("u");
    }

    @Test
    void aStartedJobWaitsForAWorkerAndIsListedAndCancelled() {
        var started = api.post(
                "/v1/jobs",
                "{\"user_id\": \"%s\", \"namespace\": \"travel\", \"from\": \"2026-01-01\", \"to\": 1893456000,"
                                .formatted(user)
                        + " \"extractor\": \"llm\", \"model\": \"gpt-4o\", \"prompt_version\": \"v1\"}");
        assertThat(started.status()).isEqualTo(202);
        var job = started.body();
        assertThat(job.get("id").asString()).startsWith("job_");
        assertThat(job.get("state").asString()).isEqualTo("pending");
        assertThat(job.get("mode").asString()).isEqualTo("incremental");
        assertThat(job.get("scope").get("user_id").asString()).isEqualTo(user);
        assertThat(job.get("scope").get("from").asString()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(job.get("scope").get("to").asString()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(job.get("progress").asDouble()).isZero();
        assertThat(job.get("eta_seconds").isNull()).isTrue();
        String id = job.get("id").asString();
        assertThat(api.get("/v1/jobs").body().get("jobs").toString()).contains(id);

        assertThat(api.post("/v1/jobs/" + id + "/cancel", "")
                        .body()
                        .get("state")
                        .asString())
                .isEqualTo("cancelled");
        assertProblem(api.post("/v1/jobs/" + id + "/cancel", ""), 409, "cancelled");
    }

    @Test
    void badJobsAreRefusedWithTheFieldNamed() {
        assertProblem(api.post("/v1/jobs", "{\"extractor\": \"gpt\"}"), 400, "extractor");
        assertProblem(api.post("/v1/jobs", "{\"mode\": \"everything\"}"), 400, "mode");
        assertProblem(api.post("/v1/jobs", "{\"mode\": \"rebuild\", \"session_id\": \"s\"}"), 400, "mode");
        assertProblem(api.post("/v1/jobs", "{\"mode\": \"rebuild\", \"from\": \"2026-01-01\"}"), 400, "time range");
        assertProblem(api.post("/v1/jobs", "{\"prompt_version\": \"../etc\"}"), 400, "prompt_version");
        assertProblem(api.post("/v1/jobs", "{\"from\": \"yesterday\"}"), 400, "from");
        assertProblem(api.post("/v1/jobs", "{\"from\": \"1969-12-31\"}"), 400, "1970");
        assertProblem(api.post("/v1/jobs", "{\"from\": \"2026-02-01\", \"to\": \"2026-01-01\"}"), 400, "to");
        assertProblem(api.post("/v1/jobs", "{\"user_id\": \"\"}"), 400, "user_id");
        assertProblem(api.get("/v1/jobs/job_nope"), 404, "job_nope");
        assertProblem(api.post("/v1/jobs/job_nope/cancel", ""), 404, "job_nope");
        assertProblem(api.get("/v1/jobs?limit=0"), 400, "limit");
        assertProblem(api.delete("/v1/users/" + "u".repeat(257)), 400, "user_id");
    }
}
