-- ingest-api caches each user's profile (their current facts) in Redis. Whatever changes what
-- visible_facts shows a user announces it on channel memstream_profile, and Postgres delivers the
-- notice only when the change commits, so a cache invalidated by it is never refilled with the value
-- the change replaced. (The Kafka changelog runs ahead of the sink: invalidating on its records
-- would race the write they announce.) A notice is "tenant<US>user"; a bare "tenant" covers all of
-- its users. Postgres folds repeated notices of one transaction into one.
CREATE FUNCTION memstream_profile_changed() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    changed record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := OLD;
    ELSE
        changed := NEW;
    END IF;
    IF TG_TABLE_NAME = 'active_rebuilds' AND changed.user_id IS NULL THEN
        PERFORM pg_notify('memstream_profile', changed.tenant_id);
    ELSE
        PERFORM pg_notify('memstream_profile', changed.tenant_id || chr(31) || COALESCE(changed.user_id, ''));
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.tenant_id, OLD.user_id) IS DISTINCT FROM (NEW.tenant_id, NEW.user_id) THEN
        PERFORM pg_notify('memstream_profile', OLD.tenant_id || chr(31) || COALESCE(OLD.user_id, ''));
    END IF;
    RETURN NULL;
END
$$;

-- Only the columns a profile shows: access counts (written by every search) and embeddings (the
-- backfill) would otherwise empty the cache all the time.
CREATE TRIGGER facts_profile_changed
    AFTER INSERT OR DELETE OR UPDATE OF tenant_id, user_id, namespace, fact_key, value, text, memory_type, topics,
        entities, confidence, source_turn_ids, valid_from, valid_to, last_seen_at, updated_at
    ON facts FOR EACH ROW EXECUTE FUNCTION memstream_profile_changed();

-- A rebuild starting or ending switches its scope between the snapshot and the new facts.
CREATE TRIGGER active_rebuilds_profile_changed
    AFTER INSERT OR DELETE OR UPDATE ON active_rebuilds
    FOR EACH ROW EXECUTE FUNCTION memstream_profile_changed();
