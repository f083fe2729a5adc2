package io.memstream.ingest.erasure;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactCandidate.Operation;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.Ids;
import io.memstream.ingest.kafka.CandidatePublisher;
import io.memstream.ingest.tenancy.ErasedUserGuard;
import io.memstream.ingest.workingmemory.SessionEraser;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Erases a user. The order matters: first the user is marked erased (so every later replay skips
 * their turns), then dedup is told to forget their keys (so nothing learned before comes back
 * through its state), then their rows and sessions are deleted.
 */
@Service
class UserErasure {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final CandidatePublisher publisher;
    private final SessionEraser sessions;
    private final ErasedUserGuard guard;
    private final Clock clock;

    UserErasure(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            CandidatePublisher publisher,
            SessionEraser sessions,
            ErasedUserGuard guard,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.publisher = publisher;
        this.sessions = sessions;
        this.guard = guard;
        this.clock = clock;
    }

    Map<String, Object> erase(String tenant, String userId) {
        jdbc.update(
                "INSERT INTO erased_users (tenant_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", tenant, userId);
        guard.erased(tenant, userId);
        List<FactKey> keys = jdbc.query(
                "SELECT namespace, fact_key FROM facts WHERE tenant_id = ? AND user_id = ?"
                        + " UNION SELECT namespace, fact_key FROM fact_history WHERE tenant_id = ? AND user_id = ?",
                (rs, i) -> new FactKey(tenant, userId, rs.getString("namespace"), rs.getString("fact_key")),
                tenant,
                userId,
                tenant,
                userId);
        String erasureId = "erase:" + Ids.newUlid();
        publisher.publish(keys.stream().map(k -> erasure(k, erasureId)).toList());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("status", "erased");
        counts.put("user_id", userId);
        transactions.executeWithoutResult(status -> {
            counts.put("facts", delete("facts", tenant, userId));
            // A rebuild in progress must not keep showing them either.
            delete("fact_snapshots", tenant, userId);
            counts.put("history", delete("fact_history", tenant, userId));
            counts.put("summaries", delete("session_summaries", tenant, userId));
            counts.put("turns", delete("conversation_turns", tenant, userId));
            // Their own API keys stop working: there is nobody left for them to act for.
            counts.put(
                    "revoked_keys",
                    jdbc.update(
                            "UPDATE api_keys SET revoked_at = now() WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL",
                            tenant,
                            userId));
        });
        counts.put("sessions", sessions.eraseUser(tenant, userId));
        return counts;
    }

    private int delete(String table, String tenant, String userId) {
        return jdbc.update("DELETE FROM " + table + " WHERE tenant_id = ? AND user_id = ?", tenant, userId);
    }

    private FactCandidate erasure(FactKey key, String erasureId) {
        return FactCandidate.command(Operation.ERASE, erasureId, key, null, "erasure", clock.instant(), false);
    }
}
