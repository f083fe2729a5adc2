package io.memstream.dedup.sink;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Erased users, as the sinks see them: whatever about them was still in flight when they were erased
 * (a turn, a fact change, a summary) is dropped instead of written, so an erased user never comes back.
 * Unlike common's cached {@code ErasedUsers} it asks Postgres for every batch: an erasure must hold
 * for the very next write, not after a refresh.
 */
@Component
class ErasedUsers {

    private static final String SEP = "\u001f";

    private final JdbcTemplate jdbc;

    ErasedUsers(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The values whose (tenant, user) was not erased, in order; one query per batch. */
    <V> List<V> keep(List<V> values, Function<V, String> tenant, Function<V, String> user) {
        Set<String> asked = new HashSet<>();
        for (V v : values) {
            if (user.apply(v) != null && !user.apply(v).isEmpty()) {
                asked.add(tenant.apply(v) + SEP + user.apply(v));
            }
        }
        if (asked.isEmpty()) {
            return values;
        }
        Set<String> erased = erased(asked);
        if (erased.isEmpty()) {
            return values;
        }
        return values.stream()
                .filter(v -> !erased.contains(tenant.apply(v) + SEP + user.apply(v)))
                .toList();
    }

    /** Looked up by (tenant, user) pairs, so the primary key serves it however many were erased. */
    private Set<String> erased(Collection<String> pairs) {
        String[] tenants =
                pairs.stream().map(p -> p.substring(0, p.indexOf(SEP))).toArray(String[]::new);
        String[] users =
                pairs.stream().map(p -> p.substring(p.indexOf(SEP) + 1)).toArray(String[]::new);
        return new HashSet<>(jdbc.queryForList(
                "SELECT e.tenant_id || ? || e.user_id FROM erased_users e"
                        + " JOIN unnest(?::text[], ?::text[]) AS a(tenant_id, user_id) USING (tenant_id, user_id)",
                String.class,
                SEP,
                tenants,
                users));
    }
}
