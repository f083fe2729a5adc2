-- Long-term memory as the AMS routes see it: free-text memories live beside keyed facts (their key is
-- a content hash or their own id), and conversation turns are searchable as 'message' memories.

-- Record ids are chosen by clients too (AMS lets them), so an id is unique per key, not globally:
-- two tenants may both have a memory "m1", and a memory keeps its id when it moves between keys.
ALTER TABLE facts DROP CONSTRAINT facts_pkey;
CREATE INDEX facts_by_id ON facts (tenant_id, id);

ALTER TABLE facts
    ADD COLUMN session_id    text,
    ADD COLUMN event_date    date,
    ADD COLUMN pinned        boolean     NOT NULL DEFAULT false,
    ADD COLUMN extractor     text,
    ADD COLUMN memory_hash   text,
    -- Written by reads (search, get), never by the sink, so dedup's upserts cannot undo them.
    ADD COLUMN access_count  integer     NOT NULL DEFAULT 0,
    ADD COLUMN last_accessed timestamptz,
    ADD COLUMN search_text   tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED;
CREATE INDEX facts_by_user ON facts (tenant_id, user_id, namespace);
CREATE INDEX facts_search_text ON facts USING gin (search_text);

ALTER TABLE fact_history DROP CONSTRAINT fact_history_change_check;
ALTER TABLE fact_history ADD CONSTRAINT fact_history_change_check
    CHECK (change IN ('superseded', 'rejected', 'edited', 'deleted'));

ALTER TABLE conversation_turns
    ADD COLUMN embedding   vector(384),
    ADD COLUMN search_text tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;
CREATE INDEX conversation_turns_search_text ON conversation_turns USING gin (search_text);

-- One shape for everything search can return. Postgres pushes the filters into both branches.
CREATE VIEW long_term_memories AS
SELECT tenant_id, id, user_id, namespace, session_id, text, memory_type, topics, entities,
       'discrete'::text AS extraction_strategy, extractor, source_turn_ids AS extracted_from,
       pinned, access_count, COALESCE(last_accessed, valid_from) AS last_accessed,
       valid_from AS created_at, updated_at, created_at AS persisted_at, event_date, memory_hash,
       confidence, fact_key, embedding, search_text
FROM facts
UNION ALL
SELECT tenant_id, turn_id, user_id, namespace, session_id, content, 'message', '{}'::text[], '{}'::text[],
       'discrete', 'turn', ARRAY[turn_id], false, 0, created_at,
       created_at, accepted_at, accepted_at, NULL::date, NULL::text,
       NULL::double precision, NULL::text, embedding, search_text
FROM conversation_turns;
