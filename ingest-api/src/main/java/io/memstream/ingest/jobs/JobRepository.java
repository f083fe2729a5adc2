package io.memstream.ingest.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

@Repository
class JobRepository {

    private static final String COLUMNS = """
            id, state, user_id, namespace, session_id, from_time, to_time, extractor, model, prompt_version, mode,
            total, done, matched, candidates, attempts, cancel_requested, error, created_at, started_at, finished_at, now() AS now""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    JobRepository(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    void insert(String id, String tenant, String clusterId, StartJob job, Instant from, Instant to) {
        jdbc.update(
                """
                INSERT INTO replay_jobs (id, tenant_id, cluster_id, user_id, namespace, session_id, from_time, to_time,
                                         extractor, model, prompt_version, mode, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
                """,
                id,
                tenant,
                clusterId,
                job.userId(),
                job.namespace(),
                job.sessionId(),
                timestamp(from),
                timestamp(to),
                job.extractor() == null ? "rules" : job.extractor(),
                job.model(),
                job.promptVersion(),
                job.mode() == null ? "incremental" : job.mode());
    }

    /** @param user the caller's bound user, or null for a tenant-wide key (which sees every job) */
    Optional<JobStatus> find(String tenant, String user, String id) {
        return jdbc
                .query(
                        "SELECT " + COLUMNS
                                + " FROM replay_jobs WHERE tenant_id = ? AND id = ? AND (?::text IS NULL OR user_id = ?)",
                        this::status,
                        tenant,
                        id,
                        user,
                        user)
                .stream()
                .findFirst();
    }

    /** @param user as in {@link #find}: a user-bound key lists only the jobs over its user */
    List<JobStatus> list(String tenant, String user, int limit) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM replay_jobs WHERE tenant_id = ? AND (?::text IS NULL OR user_id = ?)"
                        + " ORDER BY created_at DESC LIMIT ?",
                this::status,
                tenant,
                user,
                user,
                limit);
    }

    /**
     * Starts a rebuild unless another one is in the way (returned instead). Check and insert hold a
     * per-tenant lock, so two overlapping rebuilds started at once cannot both pass.
     */
    Optional<String> insertRebuild(String id, String tenant, String clusterId, StartJob job) {
        return transactions.execute(status -> {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtext('memstream-rebuild:' || ?))", tenant);
            Optional<String> other = overlappingRebuild(tenant, clusterId, job.userId(), job.namespace());
            if (other.isEmpty()) {
                insert(id, tenant, clusterId, job, null, null);
            }
            return other;
        });
    }

    /** Past its start a rebuild has frozen readers' view and reset learned values: it must finish. */
    boolean rebuildStarted(String id) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT state = 'running' OR reset_done FROM replay_jobs WHERE id = ?", Boolean.class, id));
    }

    /**
     * A rebuild this one would run into: one waiting or running over an overlapping scope on this
     * Kafka cluster (a job of another cluster is never run here), or a failed one whose snapshot still
     * shows and that this scope does not contain (one it contains, it takes over).
     */
    Optional<String> overlappingRebuild(String tenant, String clusterId, String userId, String namespace) {
        return jdbc
                .queryForList(
                        """
                        SELECT j.id FROM replay_jobs j
                        LEFT JOIN active_rebuilds r ON r.job_id = j.id
                        WHERE j.tenant_id = ? AND j.mode = 'rebuild'
                          AND (j.user_id IS NULL OR ?::text IS NULL OR j.user_id = ?)
                          AND (j.namespace IS NULL OR ?::text IS NULL OR j.namespace = ?)
                          AND ((j.state IN ('pending', 'running') AND j.cluster_id = ?)
                               OR (j.state = 'failed' AND r.job_id IS NOT NULL
                                   AND NOT ((?::text IS NULL OR j.user_id = ?) AND (?::text IS NULL OR j.namespace = ?))))
                        LIMIT 1
                        """,
                        String.class,
                        tenant,
                        userId,
                        userId,
                        namespace,
                        namespace,
                        clusterId,
                        userId,
                        userId,
                        namespace,
                        namespace)
                .stream()
                .findFirst();
    }

    /** A waiting job is cancelled at once; a running one when its worker next looks. */
    int cancel(String tenant, String id) {
        return jdbc.update("""
                UPDATE replay_jobs SET cancel_requested = true, updated_at = now(),
                       state = CASE WHEN state = 'pending' THEN 'cancelled' ELSE state END,
                       finished_at = CASE WHEN state = 'pending' THEN now() ELSE finished_at END
                WHERE tenant_id = ? AND id = ? AND state IN ('pending', 'running')
                """, tenant, id);
    }

    private JobStatus status(ResultSet rs, int row) throws SQLException {
        long total = rs.getLong("total");
        long done = rs.getLong("done");
        Instant started = instant(rs.getTimestamp("started_at"));
        Instant finished = instant(rs.getTimestamp("finished_at"));
        Instant now = instant(rs.getTimestamp("now"));
        Double rate = null;
        Double eta = null;
        if (started != null) {
            double seconds = Math.max(
                    0.001,
                    Duration.between(started, finished != null ? finished : now).toMillis() / 1000.0);
            rate = done / seconds;
            if (finished == null && done > 0) {
                eta = (total - done) / rate;
            }
        }
        return new JobStatus(
                rs.getString("id"),
                rs.getString("state"),
                new JobStatus.Scope(
                        rs.getString("user_id"),
                        rs.getString("namespace"),
                        rs.getString("session_id"),
                        instant(rs.getTimestamp("from_time")),
                        instant(rs.getTimestamp("to_time"))),
                rs.getString("extractor"),
                rs.getString("model"),
                rs.getString("prompt_version"),
                rs.getString("mode"),
                total,
                done,
                rs.getLong("matched"),
                rs.getLong("candidates"),
                rs.getInt("attempts"),
                total == 0 ? (finished != null ? 1.0 : 0.0) : (double) done / total,
                rate,
                eta,
                rs.getBoolean("cancel_requested"),
                rs.getString("error"),
                instant(rs.getTimestamp("created_at")),
                started,
                finished);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
