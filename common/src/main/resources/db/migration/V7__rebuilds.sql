-- Rebuilds recompute a scope's learned facts from scratch. While one runs, readers see a snapshot of
-- the scope's facts as they were when it started; when it completes, they see the new facts, all at
-- once (one transaction ends the rebuild). Readers go through visible_facts, never facts directly.
CREATE TABLE fact_snapshots (
    job_id text NOT NULL,
    LIKE facts INCLUDING GENERATED
);
CREATE INDEX fact_snapshots_by_job ON fact_snapshots (job_id, tenant_id, user_id);

-- The scopes being rebuilt; a null user or namespace covers all of them.
CREATE TABLE active_rebuilds (
    job_id     text PRIMARY KEY REFERENCES replay_jobs (id) ON DELETE CASCADE,
    tenant_id  text NOT NULL,
    user_id    text,
    namespace  text
);

ALTER TABLE replay_jobs ADD COLUMN reset_done boolean NOT NULL DEFAULT false;

CREATE VIEW visible_facts AS
SELECT id, tenant_id, user_id, namespace, fact_key, value, text, memory_type, topics, entities, confidence, source_turn_ids, valid_from, valid_to, last_seen_at, created_at, updated_at, embedding, session_id, event_date, pinned, extractor, memory_hash, access_count, last_accessed, search_text
FROM facts f
WHERE NOT EXISTS (SELECT 1 FROM active_rebuilds r
                  WHERE r.tenant_id = f.tenant_id
                    AND (r.user_id IS NULL OR r.user_id = f.user_id)
                    AND (r.namespace IS NULL OR r.namespace = f.namespace))
UNION ALL
SELECT id, tenant_id, user_id, namespace, fact_key, value, text, memory_type, topics, entities, confidence, source_turn_ids, valid_from, valid_to, last_seen_at, created_at, updated_at, embedding, session_id, event_date, pinned, extractor, memory_hash, access_count, last_accessed, search_text
FROM fact_snapshots s
WHERE EXISTS (SELECT 1 FROM active_rebuilds r WHERE r.job_id = s.job_id);

DROP VIEW long_term_memories;
CREATE VIEW long_term_memories AS
SELECT tenant_id, id, user_id, namespace, session_id, text, memory_type, topics, entities,
       'discrete'::text AS extraction_strategy, extractor, source_turn_ids AS extracted_from,
       pinned, access_count, COALESCE(last_accessed, valid_from) AS last_accessed,
       valid_from AS created_at, updated_at, created_at AS persisted_at, event_date, memory_hash,
       confidence, fact_key, embedding, search_text
FROM visible_facts
UNION ALL
SELECT tenant_id, turn_id, user_id, namespace, session_id, content, 'message', '{}'::text[], '{}'::text[],
       'discrete', 'turn', ARRAY[turn_id], false, 0, created_at,
       created_at, accepted_at, accepted_at, NULL::date, NULL::text,
       NULL::double precision, NULL::text, embedding, search_text
FROM conversation_turns;
