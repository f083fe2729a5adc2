package io.memstream.ingest.tenancy;

/** The tenant a request acts for; it comes from the credential, never from the request body. */
public record Tenant(String id) {}
