package io.memstream.ingest.longterm;

import io.memstream.common.events.FactKey;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.web.InvalidFieldException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * Policy-based forgetting. Every memory in scope is scanned (streamed from Postgres, most recently
 * used first, no cap); {@code limit} caps only how many are deleted in one call. Conversation turns
 * are not memories a policy forgets: erasing them is a matter for user erasure.
 */
@Service
class Forgetting {

    private static final String SCAN = """
            SELECT %s, f.value::text AS value
            FROM long_term_memories m
            JOIN visible_facts f ON f.tenant_id = m.tenant_id AND f.user_id = m.user_id AND f.namespace = m.namespace
                AND f.fact_key = m.fact_key
            WHERE %s
            ORDER BY m.last_accessed DESC, m.id
            """;

    private final MemoryStore store;
    private final LongTermMemories memories;
    private final Clock clock;

    Forgetting(MemoryStore store, LongTermMemories memories, Clock clock) {
        this.store = store;
        this.memories = memories;
        this.clock = clock;
    }

    record Scope(String namespace, String userId, String sessionId, int limit, boolean dryRun) {}

    ForgetResult forget(Caller caller, Scope scope, ForgetRequest request) {
        if (scope.limit() < 1) {
            throw new InvalidFieldException("limit", "must be positive");
        }
        ForgetRequest.ForgetPolicy policy = request == null || request.policy() == null
                ? new ForgetRequest.ForgetPolicy(null, null, null, null)
                : request.policy();
        if (policy.maxAgeDays() == null && policy.maxInactiveDays() == null && policy.budget() == null) {
            throw new InvalidFieldException("policy", "give at least one of max_age_days, max_inactive_days, budget");
        }
        List<String> types = policy.memoryTypeAllowlist();
        if (types != null && types.stream().anyMatch(t -> !"semantic".equals(t) && !"episodic".equals(t))) {
            throw new InvalidFieldException(
                    "policy.memory_type_allowlist", "may list semantic and episodic (messages are not forgotten)");
        }
        Set<String> pinnedIds =
                request == null || request.pinnedIds() == null ? Set.of() : new HashSet<>(request.pinnedIds());

        SqlWhere where = new SqlWhere().and("m.tenant_id = ?", caller.tenant());
        String user = caller.userId(scope.userId());
        if (user != null) {
            where.and("m.user_id = ?", user);
        }
        if (scope.namespace() != null) {
            where.and("m.namespace = ?", scope.namespace());
        }
        if (scope.sessionId() != null) {
            where.and("m.session_id = ?", scope.sessionId());
        }
        if (types != null && !types.isEmpty()) {
            where.and("m.memory_type = ANY(?::text[])", (Object) types.toArray(String[]::new));
        }

        Instant now = clock.instant();
        Instant createdBefore = policy.maxAgeDays() == null ? null : now.minus(days(policy.maxAgeDays()));
        Instant unusedSince = policy.maxInactiveDays() == null ? null : now.minus(days(policy.maxInactiveDays()));
        long[] scanned = {0};
        int[] kept = {0};
        List<StoredMemory> chosen = new ArrayList<>();
        store.scan(SCAN.formatted(MemoryStore.COLUMNS, where.sql()), where.args(), rs -> {
            scanned[0]++;
            MemoryRecord m = store.record(rs);
            if (m.pinned() || pinnedIds.contains(m.id())) {
                return;
            }
            boolean old = createdBefore != null && m.createdAt().isBefore(createdBefore);
            boolean unused = unusedSince != null && m.lastAccessed().isBefore(unusedSince);
            boolean overBudget = policy.budget() != null && kept[0] >= policy.budget();
            if (old || unused || overBudget) {
                if (chosen.size() < scope.limit()) {
                    chosen.add(new StoredMemory(
                            m,
                            new FactKey(
                                    caller.tenant(), rs.getString("user_id"), m.namespace(), rs.getString("fact_key")),
                            null));
                }
            } else {
                kept[0]++;
            }
        });
        if (!scope.dryRun()) {
            memories.forget(chosen);
        }
        return new ForgetResult(
                scanned[0],
                chosen.size(),
                chosen.stream().map(c -> c.record().id()).toList(),
                scope.dryRun());
    }

    private static Duration days(double days) {
        return Duration.ofMillis(Math.round(days * 86_400_000));
    }
}
