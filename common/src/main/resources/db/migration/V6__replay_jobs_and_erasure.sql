-- Replay jobs: re-extraction of retained turns with a chosen extractor. The job's position in each
-- partition of the turns topic is stored here, so a job survives a worker restart and resumes.
CREATE TABLE replay_jobs (
    id               text        PRIMARY KEY,
    tenant_id        text        NOT NULL,
    -- Offsets belong to one Kafka cluster: only workers on that cluster run the job.
    cluster_id       text        NOT NULL,
    user_id          text,
    namespace        text,
    session_id       text,
    from_time        timestamptz,
    to_time          timestamptz,
    extractor        text        NOT NULL CHECK (extractor IN ('rules', 'llm')),
    model            text,
    prompt_version   text,
    mode             text        NOT NULL CHECK (mode IN ('incremental', 'rebuild')),
    state            text        NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    total            bigint      NOT NULL DEFAULT 0,
    done             bigint      NOT NULL DEFAULT 0,
    matched          bigint      NOT NULL DEFAULT 0,
    candidates       bigint      NOT NULL DEFAULT 0,
    error            text,
    cancel_requested boolean     NOT NULL DEFAULT false,
    lease_owner      text,
    lease_until      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX replay_jobs_by_tenant ON replay_jobs (tenant_id, created_at DESC);
CREATE INDEX replay_jobs_claimable ON replay_jobs (state) WHERE state IN ('pending', 'running');

-- Per partition: where the job starts (the offset of its start time), where it stops (the end offset
-- captured when it started) and how far it got.
CREATE TABLE replay_job_partitions (
    job_id       text    NOT NULL REFERENCES replay_jobs (id) ON DELETE CASCADE,
    partition    integer NOT NULL,
    start_offset bigint  NOT NULL,
    end_offset   bigint  NOT NULL,
    next_offset  bigint  NOT NULL,
    PRIMARY KEY (job_id, partition)
);

-- Erased users: their turns stay in the log (it is immutable) but every replay skips them.
CREATE TABLE erased_users (
    tenant_id  text        NOT NULL,
    user_id    text        NOT NULL,
    erased_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
