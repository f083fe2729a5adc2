package io.memstream.ingest.jobs;

import io.memstream.common.events.Ids;
import io.memstream.ingest.kafka.KafkaCluster;
import io.memstream.ingest.tenancy.TenantResolver;
import io.memstream.ingest.web.Identifier;
import io.memstream.ingest.web.InvalidFieldException;
import io.memstream.ingest.web.Times;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Replay jobs: start one over a scope, follow its progress, cancel it. */
@RestController
class JobController {

    private final JobRepository jobs;
    private final TenantResolver tenants;
    private final KafkaCluster cluster;

    JobController(JobRepository jobs, TenantResolver tenants, KafkaCluster cluster) {
        this.jobs = jobs;
        this.tenants = tenants;
        this.cluster = cluster;
    }

    @PostMapping("/v1/jobs")
    @ResponseStatus(HttpStatus.ACCEPTED)
    JobStatus start(@Valid @RequestBody StartJob body) {
        var caller = tenants.current();
        Instant from = body.from() == null || body.from().isNull() ? null : Times.parse("from", body.from());
        Instant to = body.to() == null || body.to().isNull() ? null : Times.parse("to", body.to());
        requireAfterEpoch("from", from);
        requireAfterEpoch("to", to);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new InvalidFieldException("to", "must be after from");
        }
        boolean rebuild = "rebuild".equals(body.mode());
        if (rebuild && (body.sessionId() != null || from != null || to != null)) {
            throw new InvalidFieldException(
                    "mode",
                    "a rebuild recomputes whole profiles from all their turns: it takes a user_id and/or namespace,"
                            + " not a session_id or a time range");
        }
        StartJob scoped = new StartJob(
                caller.userId(body.userId()),
                body.namespace(),
                body.sessionId(),
                body.from(),
                body.to(),
                body.extractor(),
                body.model(),
                body.promptVersion(),
                body.mode());
        String id = "job_" + Ids.newUlid();
        String clusterId = cluster.id();
        if (rebuild) {
            jobs.insertRebuild(id, caller.tenant(), clusterId, scoped).ifPresent(other -> {
                throw new ResponseStatusException(
                        HttpStatus.CONFLICT,
                        "rebuild " + other + " of an overlapping scope has not finished; wait for it (or, if it"
                                + " failed, rebuild a scope that contains all of it)");
            });
        } else {
            jobs.insert(id, caller.tenant(), clusterId, scoped, from, to);
        }
        return status(id);
    }

    /** Kafka's record times start in 1970: an earlier bound cannot be looked up in the turns log. */
    private static void requireAfterEpoch(String field, Instant time) {
        if (time != null && time.isBefore(Instant.EPOCH)) {
            throw new InvalidFieldException(field, "must not be before 1970-01-01");
        }
    }

    /** A user-bound key sees only the jobs over its own user; others are as absent as another tenant's. */
    @GetMapping("/v1/jobs/{id}")
    JobStatus status(@PathVariable("id") @NotBlank @Identifier String id) {
        var caller = tenants.current();
        return jobs.find(caller.tenant(), caller.boundUserId(), id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no job " + id));
    }

    @GetMapping("/v1/jobs")
    Map<String, List<JobStatus>> list(@RequestParam(name = "limit", defaultValue = "20") @Min(1) @Max(100) int limit) {
        var caller = tenants.current();
        return Map.of("jobs", jobs.list(caller.tenant(), caller.boundUserId(), limit));
    }

    @PostMapping("/v1/jobs/{id}/cancel")
    JobStatus cancel(@PathVariable("id") @NotBlank @Identifier String id) {
        JobStatus job = status(id);
        if (job.mode().equals("rebuild") && jobs.rebuildStarted(id)) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "a rebuild that has started finishes: stopping it would leave a half-rebuilt profile (readers see"
                            + " the old one until it ends)");
        }
        if (jobs.cancel(tenants.current().tenant(), id) == 0) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "job " + id + " has already " + job.state());
        }
        return status(id);
    }
}
