package io.memstream.dedup.sink;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Whether Postgres answers right now: what tells a record it refuses from a database that is away. */
@Component
class DatabaseProbe {

    private final JdbcTemplate jdbc;

    DatabaseProbe(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    boolean answers() {
        try {
            jdbc.queryForObject("SELECT 1", Integer.class);
            return true;
        } catch (DataAccessException e) {
            return false;
        }
    }
}
