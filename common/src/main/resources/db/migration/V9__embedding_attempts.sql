-- The embedding backfill counts how often the model refused a row's text while it embedded others (a
-- model that is down counts nothing). After memstream.embeddings.backfill-attempts refusals it stops
-- asking and dead-letters the row, which stays: keyword search still finds it. Setting the count back
-- to 0 (after a model change, say) makes the backfill try again.
ALTER TABLE facts ADD COLUMN embedding_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE conversation_turns ADD COLUMN embedding_attempts integer NOT NULL DEFAULT 0;
