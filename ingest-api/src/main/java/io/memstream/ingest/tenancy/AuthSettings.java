package io.memstream.ingest.tenancy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled false only for local development: every request then acts for {@code devTenant}
 * @param cacheTtl how long a resolved key is trusted without asking Postgres again (and so how long
 *     a revoked key keeps working at most)
 */
@ConfigurationProperties("memstream.auth")
record AuthSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("default") String devTenant,
        @DefaultValue("30s") Duration cacheTtl) {}
