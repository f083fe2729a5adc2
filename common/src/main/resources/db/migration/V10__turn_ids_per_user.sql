-- Turn ids are chosen by clients, so they are unique per user, not per tenant: one user's ids must
-- never suppress (or reveal) another user's turns. A turn without a user is the user ''.
CREATE UNIQUE INDEX conversation_turns_by_user_and_id ON conversation_turns (tenant_id, (COALESCE(user_id, '')), turn_id);
ALTER TABLE conversation_turns DROP CONSTRAINT conversation_turns_pkey;
