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

    private Set<String> erased(Collection<String> pairs) {
        return new HashSet<>(jdbc.queryForList(
                "SELECT tenant_id || ? || user_id FROM erased_users WHERE tenant_id || ? || user_id = ANY(?::text[])",
                String.class,
                SEP,
                SEP,
                pairs.toArray(String[]::new)));
    }
}
