-- API keys: only the SHA-256 of a key is stored; a request's key is hashed and looked up by primary
-- key, so no key is ever compared by scanning.
CREATE TABLE api_keys (
    key_hash    bytea       PRIMARY KEY,
    tenant_id   text        NOT NULL,
    user_id     text,
    label       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);
