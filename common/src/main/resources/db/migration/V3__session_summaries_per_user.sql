-- Working memory is scoped by user as well as session id: so are summaries. '' stands for no user.
UPDATE session_summaries SET user_id = '' WHERE user_id IS NULL;
ALTER TABLE session_summaries ALTER COLUMN user_id SET DEFAULT '';
ALTER TABLE session_summaries ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE session_summaries DROP CONSTRAINT session_summaries_pkey;
ALTER TABLE session_summaries ADD PRIMARY KEY (tenant_id, namespace, user_id, session_id);
