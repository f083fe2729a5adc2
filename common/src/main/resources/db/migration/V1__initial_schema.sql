-- Memstream's long-term store. Every table is scoped by tenant first: no query may cross tenants.

-- The extension is normally created by the database owner's setup (scripts/up, docker init);
-- this keeps a hand-made database working when the role may create it.
CREATE EXTENSION IF NOT EXISTS vector;

-- Every accepted turn, archived from the turns topic. The topic stays the source of truth for replay;
-- this table serves history and search.
CREATE TABLE conversation_turns (
    tenant_id    text        NOT NULL,
    turn_id      text        NOT NULL,
    namespace    text        NOT NULL,
    user_id      text,
    session_id   text        NOT NULL,
    role         text        NOT NULL,
    content      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    accepted_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, turn_id)
);
CREATE INDEX conversation_turns_by_session ON conversation_turns (tenant_id, namespace, session_id, created_at);
CREATE INDEX conversation_turns_by_user ON conversation_turns (tenant_id, user_id, created_at);

-- The current value of each (tenant, user, namespace, key). Values that left go to fact_history.
CREATE TABLE facts (
    id               text             PRIMARY KEY,
    tenant_id        text             NOT NULL,
    user_id          text             NOT NULL,
    namespace        text             NOT NULL,
    fact_key         text             NOT NULL CHECK (length(fact_key) BETWEEN 1 AND 256),
    value            jsonb            NOT NULL,
    text             text             NOT NULL,
    memory_type      text             NOT NULL DEFAULT 'semantic',
    topics           text[]           NOT NULL DEFAULT '{}',
    entities         text[]           NOT NULL DEFAULT '{}',
    confidence       double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    source_turn_ids  text[]           NOT NULL DEFAULT '{}',
    valid_from       timestamptz      NOT NULL,
    valid_to         timestamptz,
    last_seen_at     timestamptz      NOT NULL,
    created_at       timestamptz      NOT NULL DEFAULT now(),
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    embedding        vector(384),
    UNIQUE (tenant_id, user_id, namespace, fact_key)
);

-- Superseded and rejected values, so every change to a profile can be explained.
CREATE TABLE fact_history (
    id               bigserial        PRIMARY KEY,
    fact_id          text             NOT NULL,
    tenant_id        text             NOT NULL,
    user_id          text             NOT NULL,
    namespace        text             NOT NULL,
    fact_key         text             NOT NULL,
    value            jsonb            NOT NULL,
    text             text             NOT NULL,
    confidence       double precision NOT NULL,
    source_turn_ids  text[]           NOT NULL DEFAULT '{}',
    valid_from       timestamptz      NOT NULL,
    valid_to         timestamptz,
    change           text             NOT NULL CHECK (change IN ('superseded', 'rejected', 'deleted')),
    recorded_at      timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX fact_history_by_key ON fact_history (tenant_id, user_id, namespace, fact_key, recorded_at);

-- The running summary of each session (progressive: previous summary + turns leaving the window).
CREATE TABLE session_summaries (
    tenant_id         text        NOT NULL,
    namespace         text        NOT NULL,
    session_id        text        NOT NULL,
    user_id           text,
    summary           text        NOT NULL,
    summarized_turns  integer     NOT NULL DEFAULT 0,
    last_turn_id      text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, namespace, session_id)
);

-- Consumed offsets of the Postgres sinks, committed in the same transaction as the rows they wrote:
-- this is what makes each change land exactly once even if a sink dies mid-batch.
CREATE TABLE sink_offsets (
    sink         text    NOT NULL,
    topic        text    NOT NULL,
    partition    integer NOT NULL,
    next_offset  bigint  NOT NULL,
    PRIMARY KEY (sink, topic, partition)
);
