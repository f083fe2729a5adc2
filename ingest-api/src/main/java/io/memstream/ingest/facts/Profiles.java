package io.memstream.ingest.facts;

import io.lettuce.core.RedisException;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * A user's current facts: from the Redis cache while change notices are heard, otherwise (and when
 * Redis does not answer) from Postgres. The cache holds all of a user's namespaces; a namespace is
 * picked out of it here.
 */
@Service
class Profiles {

    private final FactQueries queries;
    private final ProfileCache cache;
    private final ProfileChanges changes;

    Profiles(FactQueries queries, ProfileCache cache, ProfileChanges changes) {
        this.queries = queries;
        this.cache = cache;
        this.changes = changes;
    }

    /** @param namespace null for every namespace */
    List<FactView> current(String tenant, String user, String namespace) {
        if (!changes.live()) {
            return queries.currentFacts(tenant, user, namespace);
        }
        ProfileCache.Lookup lookup;
        try {
            lookup = cache.read(tenant, user);
        } catch (RedisException e) {
            return queries.currentFacts(tenant, user, namespace);
        }
        List<FactView> all = lookup.facts();
        if (all == null) {
            all = queries.currentFacts(tenant, user, null);
            try {
                cache.fill(tenant, user, lookup.stamp(), all);
            } catch (RedisException e) {
                // Answered from Postgres all the same; the next read tries the cache again.
            }
        }
        return namespace == null
                ? all
                : all.stream().filter(f -> f.namespace().equals(namespace)).toList();
    }
}
