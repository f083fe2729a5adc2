package io.memstream.extractor.jobs;

import io.memstream.common.events.FactKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replay jobs in Postgres. A worker holds a job through a lease it renews with every step; every
 * write checks the lease, so a worker that lost its job (it stalled past the lease and another
 * took over) cannot move the job's positions any more.
 */
@Repository
class JobStore {

    /** Where a job stands in one partition of the turns topic. */
    record Range(long start, long end, long next) {

        boolean finished() {
            return next >= end;
        }
    }

    private static final String FACT_COLUMNS = """
            id, tenant_id, user_id, namespace, fact_key, value, text, memory_type, topics, entities, confidence,
            source_turn_ids, valid_from, valid_to, last_seen_at, created_at, updated_at, embedding, session_id,
            event_date, pinned, extractor, memory_hash, access_count, last_accessed, search_length, embedding_model""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    JobStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * The oldest job of this Kafka cluster that is waiting, or whose worker let its lease run out. A
     * worker without an LLM leaves LLM jobs to workers that have one.
     */
    Optional<ReplayJob> claim(String owner, Duration lease, String clusterId, boolean llm) {
        return jdbc.query("""
                        UPDATE replay_jobs SET state = 'running', lease_owner = ?, lease_until = now() + ?::interval,
                               started_at = COALESCE(started_at, now()), updated_at = now()
                        WHERE id = (SELECT id FROM replay_jobs
                                    WHERE (state IN ('pending', 'running') AND (lease_until IS NULL OR lease_until < now()))
                                      AND cluster_id = ? AND (extractor = 'rules' OR ?)
                                    ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
                        RETURNING id, tenant_id, user_id, namespace, session_id, from_time, to_time, extractor, model,
                                  prompt_version, mode
                        """, (rs, i) -> job(rs), owner, lease.toMillis() + " milliseconds", clusterId, llm).stream()
                .findFirst();
    }

    Map<Integer, Range> ranges(String jobId) {
        Map<Integer, Range> ranges = new TreeMap<>();
        jdbc.query(
                "SELECT partition, start_offset, end_offset, next_offset FROM replay_job_partitions WHERE job_id = ?",
                rs -> {
                    ranges.put(
                            rs.getInt("partition"),
                            new Range(rs.getLong("start_offset"), rs.getLong("end_offset"), rs.getLong("next_offset")));
                },
                jobId);
        return ranges;
    }

    /** Stores where the job starts and stops, once, when it first runs. */
    void plan(String jobId, Map<Integer, Range> ranges) {
        transactions.executeWithoutResult(status -> {
            ranges.forEach((partition, r) -> jdbc.update(
                    "INSERT INTO replay_job_partitions (job_id, partition, start_offset, end_offset, next_offset)"
                            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    jobId,
                    partition,
                    r.start(),
                    r.end(),
                    r.next()));
            long total =
                    ranges.values().stream().mapToLong(r -> r.end() - r.start()).sum();
            jdbc.update("UPDATE replay_jobs SET total = ?, updated_at = now() WHERE id = ?", total, jobId);
        });
    }

    /**
     * Records a step: new positions and counts, in one transaction, if this worker still holds the
     * job. Returns empty when it does not; otherwise whether a cancel was asked for.
     */
    Optional<Boolean> advance(
            String jobId,
            String owner,
            Duration lease,
            Map<Integer, Long> next,
            long scanned,
            long matched,
            long candidates) {
        return transactions.execute(status -> {
            List<Boolean> cancel = jdbc.query(
                    """
                    UPDATE replay_jobs SET done = done + ?, matched = matched + ?, candidates = candidates + ?,
                           lease_until = now() + ?::interval, updated_at = now()
                    WHERE id = ? AND lease_owner = ? AND state = 'running'
                    RETURNING cancel_requested
                    """,
                    (rs, i) -> rs.getBoolean(1),
                    scanned,
                    matched,
                    candidates,
                    lease.toMillis() + " milliseconds",
                    jobId,
                    owner);
            if (cancel.isEmpty()) {
                return Optional.<Boolean>empty();
            }
            next.forEach((partition, offset) -> jdbc.update(
                    "UPDATE replay_job_partitions SET next_offset = ? WHERE job_id = ? AND partition = ?",
                    offset,
                    jobId,
                    partition));
            return Optional.of(cancel.getFirst());
        });
    }

    void finish(String jobId, String owner, String state, String error) {
        jdbc.update(
                "UPDATE replay_jobs SET state = ?, error = ?, finished_at = now(), updated_at = now(), lease_until = NULL,"
                        + " done = CASE WHEN ? = 'succeeded' THEN total ELSE done END"
                        + " WHERE id = ? AND lease_owner = ? AND state = 'running'",
                state,
                error,
                state,
                jobId,
                owner);
    }

    /**
     * A failed attempt: the job waits (longer after each attempt) and is tried again from its stored
     * positions, until it has failed {@code maxAttempts} times.
     */
    void failed(String jobId, String owner, String error, int maxAttempts) {
        jdbc.update("""
                UPDATE replay_jobs SET attempts = attempts + 1, error = ?, updated_at = now(), lease_owner = NULL,
                       state = CASE WHEN attempts + 1 < ? THEN 'pending' ELSE 'failed' END,
                       lease_until = CASE WHEN attempts + 1 < ? THEN now() + (attempts + 1) * interval '5 seconds' END,
                       finished_at = CASE WHEN attempts + 1 < ? THEN NULL ELSE now() END
                WHERE id = ? AND lease_owner = ? AND state = 'running'
                """, error, maxAttempts, maxAttempts, maxAttempts, jobId, owner);
    }

    /** Keeps the job while a step or the rebuild's wait runs long; false when another worker has it. */
    boolean renew(String jobId, String owner, Duration lease) {
        return jdbc.update(
                        "UPDATE replay_jobs SET lease_until = now() + ?::interval"
                                + " WHERE id = ? AND lease_owner = ? AND state = 'running'",
                        lease.toMillis() + " milliseconds",
                        jobId,
                        owner)
                == 1;
    }

    /** A worker that stops lets another take the job over at once, instead of after the lease. */
    void release(String jobId, String owner) {
        jdbc.update(
                "UPDATE replay_jobs SET lease_until = now() - interval '1 second', updated_at = now()"
                        + " WHERE id = ? AND lease_owner = ? AND state = 'running'",
                jobId,
                owner);
    }

    boolean resetDone(String jobId) {
        return Boolean.TRUE.equals(
                jdbc.queryForObject("SELECT reset_done FROM replay_jobs WHERE id = ?", Boolean.class, jobId));
    }

    void markResetDone(String jobId) {
        jdbc.update("UPDATE replay_jobs SET reset_done = true, updated_at = now() WHERE id = ?", jobId);
    }

    /**
     * Freezes what readers see of the scope: its facts as they are now (as readers see them, so a
     * failed rebuild's snapshot inside this scope is carried over and that rebuild ends here).
     */
    void snapshot(ReplayJob job) {
        transactions.executeWithoutResult(status -> {
            Integer active = jdbc.queryForObject(
                    "SELECT count(*) FROM active_rebuilds WHERE job_id = ?", Integer.class, job.id());
            if (active != null && active > 0) {
                return;
            }
            jdbc.update(
                    "INSERT INTO fact_snapshots (job_id, " + FACT_COLUMNS + ") SELECT ?, " + FACT_COLUMNS
                            + " FROM visible_facts WHERE tenant_id = ? AND (?::text IS NULL OR user_id = ?)"
                            + " AND (?::text IS NULL OR namespace = ?)",
                    job.id(),
                    job.tenantId(),
                    job.userId(),
                    job.userId(),
                    job.namespace(),
                    job.namespace());
            List<String> inherited = jdbc.queryForList(
                    """
                    SELECT r.job_id FROM active_rebuilds r JOIN replay_jobs j ON j.id = r.job_id
                    WHERE r.tenant_id = ? AND j.state = 'failed'
                      AND (?::text IS NULL OR r.user_id = ?) AND (?::text IS NULL OR r.namespace = ?)
                    """, String.class, job.tenantId(), job.userId(), job.userId(), job.namespace(), job.namespace());
            for (String failed : inherited) {
                jdbc.update("DELETE FROM fact_snapshots WHERE job_id = ?", failed);
                jdbc.update("DELETE FROM active_rebuilds WHERE job_id = ?", failed);
            }
            jdbc.update(
                    "INSERT INTO active_rebuilds (job_id, tenant_id, user_id, namespace) VALUES (?, ?, ?, ?)",
                    job.id(),
                    job.tenantId(),
                    job.userId(),
                    job.namespace());
        });
    }

    /** The scope's keys whose values were learned (not set by the user, who is certain of them). */
    List<FactKey> learnedKeys(ReplayJob job) {
        return jdbc.query(
                "SELECT user_id, namespace, fact_key FROM facts WHERE tenant_id = ? AND confidence < 1.0"
                        + " AND (?::text IS NULL OR user_id = ?) AND (?::text IS NULL OR namespace = ?)",
                (rs, i) -> new FactKey(
                        job.tenantId(), rs.getString("user_id"), rs.getString("namespace"), rs.getString("fact_key")),
                job.tenantId(),
                job.userId(),
                job.userId(),
                job.namespace(),
                job.namespace());
    }

    /** Readers see the rebuilt facts from this transaction on; false if this worker lost the job. */
    boolean endRebuild(String jobId, String owner) {
        return Boolean.TRUE.equals(transactions.execute(status -> {
            int ended = jdbc.update(
                    "DELETE FROM active_rebuilds WHERE job_id = ? AND EXISTS (SELECT 1 FROM replay_jobs"
                            + " WHERE id = ? AND lease_owner = ? AND state = 'running')",
                    jobId,
                    jobId,
                    owner);
            if (ended == 1) {
                jdbc.update("DELETE FROM fact_snapshots WHERE job_id = ?", jobId);
            }
            return ended == 1;
        }));
    }

    /** Where the fact sink stands in each partition of the changelog. */
    Map<Integer, Long> sinkPositions(String sink, String topic) {
        Map<Integer, Long> positions = new TreeMap<>();
        jdbc.query(
                "SELECT partition, next_offset FROM sink_offsets WHERE sink = ? AND topic = ?",
                rs -> {
                    positions.put(rs.getInt(1), rs.getLong(2));
                },
                sink,
                topic);
        return positions;
    }

    Set<String> erasedUsers(String tenant) {
        return new HashSet<>(
                jdbc.queryForList("SELECT user_id FROM erased_users WHERE tenant_id = ?", String.class, tenant));
    }

    private static ReplayJob job(ResultSet rs) throws SQLException {
        return new ReplayJob(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("user_id"),
                rs.getString("namespace"),
                rs.getString("session_id"),
                instant(rs.getTimestamp("from_time")),
                instant(rs.getTimestamp("to_time")),
                rs.getString("extractor"),
                rs.getString("model"),
                rs.getString("prompt_version"),
                rs.getString("mode"));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
