-- A job that fails is tried again (after a pause) before it is given up: a rebuild that gives up
-- leaves its scope frozen at the old profile until a new rebuild takes it over.
ALTER TABLE replay_jobs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
