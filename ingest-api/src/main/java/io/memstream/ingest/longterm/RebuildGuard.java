package io.memstream.ingest.longterm;

import io.memstream.common.events.FactKey;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Edits and deletions name a memory by the id readers see; while its scope is being rebuilt, readers
 * see the old snapshot, whose ids the rebuild is replacing. Such a change could not land, so it is
 * refused (409) until the rebuild ends, rather than accepted and lost.
 */
@Component
class RebuildGuard {

    private final JdbcTemplate jdbc;

    RebuildGuard(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void requireNotRebuilding(FactKey key) {
        Boolean rebuilding = jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM active_rebuilds r JOIN replay_jobs j ON j.id = r.job_id
                               WHERE r.tenant_id = ? AND (r.user_id IS NULL OR r.user_id = ?)
                                 AND (r.namespace IS NULL OR r.namespace = ?))
                """, Boolean.class, key.tenantId(), key.userId(), key.namespace());
        if (Boolean.TRUE.equals(rebuilding)) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "user '" + key.userId() + "' is being rebuilt (see GET /v1/jobs); edit or delete once it ends");
        }
    }
}
