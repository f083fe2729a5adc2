package io.memstream.ingest.longterm;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Reads of memories, counted off the request path: a search or a get only notes which memories it
 * returned, and a flush every {@code memstream.long-term.access-flush-interval} adds the counts and
 * the latest access to the rows, all in one statement. A row another writer holds (the fact sink's
 * transactions hold rows while they embed) is skipped, never waited on, and counted at a later flush;
 * so is every access while Postgres is away. A memory deleted meanwhile loses its pending count after
 * {@link #MAX_FLUSHES} tries. Counts are added, so instances flushing side by side count each read once.
 */
@Component
class AccessLog {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    /** Flushes a pending access survives without its row being found or free. */
    static final int MAX_FLUSHES = 60;

    private record Key(String tenant, String user, String namespace, String id) {}

    private record Pending(long reads, Instant last, int flushes) {

        Pending plus(Pending other) {
            return new Pending(
                    reads + other.reads,
                    last.isAfter(other.last) ? last : other.last,
                    Math.max(flushes, other.flushes));
        }
    }

    private static final String FLUSH = """
            WITH t AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::timestamptz[])
                           AS t (tenant_id, user_id, namespace, id, reads, last)),
                 free AS (SELECT f.tenant_id, f.user_id, f.namespace, f.id, f.fact_key FROM facts f
                          JOIN t ON f.tenant_id = t.tenant_id AND f.user_id = t.user_id AND f.namespace = t.namespace
                                AND f.id = t.id
                          FOR UPDATE OF f SKIP LOCKED)
            UPDATE facts f SET access_count = f.access_count + t.reads,
                               last_accessed = GREATEST(f.last_accessed, t.last)
            FROM free, t
            WHERE f.tenant_id = free.tenant_id AND f.user_id = free.user_id AND f.namespace = free.namespace
              AND f.id = free.id AND f.fact_key = free.fact_key
              AND t.tenant_id = free.tenant_id AND t.user_id = free.user_id AND t.namespace = free.namespace
              AND t.id = free.id
            RETURNING f.tenant_id, f.user_id, f.namespace, f.id""";

    private final JdbcTemplate jdbc;
    private final int maxPending;
    private final Map<Key, Pending> pending = new ConcurrentHashMap<>();

    AccessLog(JdbcTemplate jdbc, @Value("${memstream.long-term.access-max-pending:100000}") int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("memstream.long-term.access-max-pending must be positive");
        }
        this.jdbc = jdbc;
        this.maxPending = maxPending;
    }

    /** Notes a read of these memories (conversation turns are not counted; the caller leaves them out). */
    void record(String tenant, List<MemoryRecord> memories, Instant at) {
        for (MemoryRecord m : memories) {
            Key key = new Key(tenant, Objects.requireNonNullElse(m.userId(), ""), m.namespace(), m.id());
            pending.merge(key, new Pending(1, at, 0), Pending::plus);
        }
        if (pending.size() > maxPending) {
            // Far more distinct memories read than a flush interval normally sees (Postgres away for
            // long, say): this read writes them rather than the map growing without bound.
            flush();
        }
    }

    /** Adds the pending reads to their rows; whatever could not be written stays pending. */
    @Scheduled(
            initialDelayString = "${memstream.long-term.access-flush-interval:1s}",
            fixedDelayString = "${memstream.long-term.access-flush-interval:1s}")
    synchronized void flush() {
        List<Map.Entry<Key, Pending>> batch = new ArrayList<>();
        for (Key key : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(key);
            if (p != null) {
                batch.add(Map.entry(key, p));
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        Set<Key> written = new HashSet<>();
        try {
            jdbc.query(
                    FLUSH,
                    rs -> {
                        written.add(new Key(
                                rs.getString("tenant_id"),
                                rs.getString("user_id"),
                                rs.getString("namespace"),
                                rs.getString("id")));
                    },
                    column(batch, e -> e.getKey().tenant()),
                    column(batch, e -> e.getKey().user()),
                    column(batch, e -> e.getKey().namespace()),
                    column(batch, e -> e.getKey().id()),
                    batch.stream().map(e -> e.getValue().reads()).toArray(Long[]::new),
                    column(batch, e -> e.getValue().last().toString()));
        } catch (DataAccessException e) {
            // Postgres away: nothing was looked at, so no memory is a flush closer to being dropped.
            batch.forEach(b -> pending.merge(b.getKey(), b.getValue(), Pending::plus));
            log.warn(
                    "access counts of {} memories not written yet: {}",
                    batch.size(),
                    e.getMostSpecificCause().getMessage());
            return;
        }
        int dropped = 0;
        for (Map.Entry<Key, Pending> e : batch) {
            if (written.contains(e.getKey())) {
                continue;
            }
            Pending p = e.getValue();
            if (p.flushes() + 1 >= MAX_FLUSHES) {
                dropped++;
            } else {
                pending.merge(e.getKey(), new Pending(p.reads(), p.last(), p.flushes() + 1), Pending::plus);
            }
        }
        if (dropped > 0) {
            log.info(
                    "access counts of {} memories dropped: not found or not free for {} flushes", dropped, MAX_FLUSHES);
        }
    }

    /** What a shutdown must not lose. */
    @PreDestroy
    void flushAtShutdown() {
        flush();
    }

    /** Pending accesses, for tests and metrics. */
    int pending() {
        return pending.size();
    }

    private static String[] column(List<Map.Entry<Key, Pending>> batch, Function<Map.Entry<Key, Pending>, String> f) {
        return batch.stream().map(f).toArray(String[]::new);
    }
}
