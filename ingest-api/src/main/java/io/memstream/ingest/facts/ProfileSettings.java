package io.memstream.ingest.facts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled serve {@code GET /v1/users/{id}/facts} from Redis; false reads Postgres every time
 * @param ttl how long a cached profile lives without being read back from Postgres: the bound on a
 *     stale read should a change notice be lost (normally one evicts the entry as the change commits)
 */
@ConfigurationProperties("memstream.profile-cache")
record ProfileSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("60s") Duration ttl) {

    ProfileSettings {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("memstream.profile-cache.ttl must be between 1 ms and 1 day");
        }
    }
}
