-- The embedding backfill looks for rows without a vector every few seconds; these keep that cheap
-- however large the tables grow (they hold only the rows still missing one).
CREATE INDEX facts_missing_embedding ON facts (tenant_id) WHERE embedding IS NULL;
CREATE INDEX conversation_turns_missing_embedding ON conversation_turns (tenant_id) WHERE embedding IS NULL;
