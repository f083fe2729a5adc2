-- Search ranks keywords by BM25 over the rows being searched, and indexes each conversation turn
-- with its context (the session's day and the turn before it). Nothing here rewrites a table: new
-- columns start empty, readers fall back to the old index for rows without one, and the search-index
-- backfill in dedup-stream fills them in the background (GET /v1/search-index shows its progress).

-- BM25's document length: the number of words indexed, repeats included.
CREATE FUNCTION memstream_term_count(v tsvector) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS
$$ SELECT COALESCE(sum(COALESCE(array_length(positions, 1), 1)), 0)::integer FROM unnest(v) $$;

-- What a turn is indexed with besides its own words: the day of its session in words, and the turn
-- before it in the same session. The sink calls it as it inserts a batch (statements of one
-- transaction see the rows inserted before them), the backfill for rows archived earlier.
CREATE FUNCTION memstream_turn_context(p_tenant text, p_user text, p_namespace text, p_session text,
                                       p_created timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$
SELECT to_char(p_created AT TIME ZONE 'UTC', 'FMDay FMDD FMMonth YYYY')
       || COALESCE(' ' || (SELECT t.content FROM conversation_turns t
                           WHERE t.tenant_id = p_tenant AND t.namespace = p_namespace AND t.session_id = p_session
                             AND t.user_id IS NOT DISTINCT FROM p_user AND t.created_at < p_created
                           ORDER BY t.created_at DESC LIMIT 1), '')
$$;

ALTER TABLE conversation_turns
    ADD COLUMN search_index tsvector,
    ADD COLUMN search_length integer;
CREATE INDEX conversation_turns_unindexed ON conversation_turns (tenant_id) WHERE search_index IS NULL;

ALTER TABLE facts ADD COLUMN search_length integer;
ALTER TABLE fact_snapshots ADD COLUMN search_length integer;

-- Which model made a row's vector: vectors of two models are never compared, and a model change
-- re-embeds the rows of the old one. Every vector stored so far came from all-MiniLM-L6-v2 (the
-- default stays for existing rows only; a constant default rewrites nothing).
ALTER TABLE facts ADD COLUMN embedding_model text DEFAULT 'all-minilm-l6-v2';
ALTER TABLE facts ALTER COLUMN embedding_model DROP DEFAULT;
ALTER TABLE fact_snapshots ADD COLUMN embedding_model text DEFAULT 'all-minilm-l6-v2';
ALTER TABLE fact_snapshots ALTER COLUMN embedding_model DROP DEFAULT;
ALTER TABLE conversation_turns ADD COLUMN embedding_model text DEFAULT 'all-minilm-l6-v2';
ALTER TABLE conversation_turns ALTER COLUMN embedding_model DROP DEFAULT;
-- The embedding backfill asks for rows of any other model than its own, as two ranges of these.
CREATE INDEX facts_by_embedding_model ON facts (embedding_model);
CREATE INDEX conversation_turns_by_embedding_model ON conversation_turns (embedding_model);
CREATE INDEX facts_unmeasured ON facts (tenant_id) WHERE search_length IS NULL;

DROP VIEW long_term_memories;
DROP VIEW visible_facts;

CREATE VIEW visible_facts AS
SELECT id, tenant_id, user_id, namespace, fact_key, value, text, memory_type, topics, entities, confidence, source_turn_ids, valid_from, valid_to, last_seen_at, created_at, updated_at, embedding, session_id, event_date, pinned, extractor, memory_hash, access_count, last_accessed, search_text, search_length, embedding_model
FROM facts f
WHERE NOT EXISTS (SELECT 1 FROM active_rebuilds r
                  WHERE r.tenant_id = f.tenant_id
                    AND (r.user_id IS NULL OR r.user_id = f.user_id)
                    AND (r.namespace IS NULL OR r.namespace = f.namespace))
UNION ALL
SELECT id, tenant_id, user_id, namespace, fact_key, value, text, memory_type, topics, entities, confidence, source_turn_ids, valid_from, valid_to, last_seen_at, created_at, updated_at, embedding, session_id, event_date, pinned, extractor, memory_hash, access_count, last_accessed, search_text, search_length, embedding_model
FROM fact_snapshots s
WHERE EXISTS (SELECT 1 FROM active_rebuilds r WHERE r.job_id = s.job_id);

-- search_vector is what keyword search matches and search_length its BM25 length; for a turn both
-- include its context, for a memory they are its own text.
CREATE VIEW long_term_memories AS
SELECT tenant_id, id, user_id, namespace, session_id, text, memory_type, topics, entities,
       'discrete'::text AS extraction_strategy, extractor, source_turn_ids AS extracted_from,
       pinned, access_count, COALESCE(last_accessed, valid_from) AS last_accessed,
       valid_from AS created_at, updated_at, created_at AS persisted_at, event_date, memory_hash,
       confidence, fact_key, embedding, search_text,
       search_text AS search_vector, COALESCE(search_length, memstream_term_count(search_text)) AS search_length,
       embedding_model
FROM visible_facts
UNION ALL
SELECT tenant_id, turn_id, user_id, namespace, session_id, content, 'message', '{}'::text[], '{}'::text[],
       'discrete', 'turn', ARRAY[turn_id], false, 0, created_at,
       created_at, accepted_at, accepted_at, NULL::date, NULL::text,
       NULL::double precision, NULL::text, embedding, search_text,
       COALESCE(search_index, search_text), COALESCE(search_length, memstream_term_count(search_text)),
       embedding_model
FROM conversation_turns;
