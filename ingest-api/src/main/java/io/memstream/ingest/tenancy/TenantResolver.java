package io.memstream.ingest.tenancy;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Until API keys exist, every request acts for the configured development tenant. Keeping the lookup
 * behind this one class means the routes do not change when credentials arrive.
 */
@Component
public class TenantResolver {

    private final Tenant devTenant;

    TenantResolver(@Value("${memstream.auth.dev-tenant:default}") String devTenant) {
        this.devTenant = new Tenant(devTenant);
    }

    public Tenant current() {
        return devTenant;
    }
}
