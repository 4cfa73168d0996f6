-- The change log (a transactional outbox): one row per create, update and delete of every
-- resource, written by a trigger in the transaction that makes the change, so a rolled-back
-- write leaves none and a committed one always has its change.
--
-- `seq` is taken at insert, which is not commit order: a transaction that took 41 can commit
-- after one that took 42 was read. `position` is commit order: coop_sequence_changes() gives
-- positions, in one serialized step, to the changes whose transactions have committed, so a
-- change that commits later always gets a higher position than any already given, and a
-- reader that has seen position p has seen every position below it.
CREATE TABLE changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position bigint UNIQUE,
    resource_type text NOT NULL,
    resource_id uuid NOT NULL,
    -- The event of an event part, the offer of an interest.
    parent_id uuid,
    operation text NOT NULL CHECK (operation IN ('created', 'updated', 'deleted')),
    -- The row's `updated_at` after the change (the time of the delete for a delete).
    version timestamptz NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Whether anyone could read the resource before and after the change: a change that makes
    -- it readable is a creation for anonymous readers, one that hides it a deletion.
    public_before boolean NOT NULL,
    public_after boolean NOT NULL,
    -- The companies whose keys read the resource even when it is not public.
    audience uuid[] NOT NULL DEFAULT '{}'
);

CREATE INDEX changes_pending_idx ON changes (seq) WHERE position IS NULL;

CREATE FUNCTION coop_record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    kind text := TG_ARGV[0];
    r record;
    today date := (now() AT TIME ZONE 'UTC')::date;
    was_public boolean := false;
    is_public boolean := false;
    parent uuid;
    readers uuid[] := '{}';
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF kind IN ('company', 'speaker') THEN
        was_public := TG_OP <> 'INSERT';
        is_public := TG_OP <> 'DELETE';
    ELSIF kind = 'event' THEN
        IF TG_OP <> 'INSERT' THEN was_public := OLD.status <> 'draft'; END IF;
        IF TG_OP <> 'DELETE' THEN is_public := NEW.status <> 'draft'; END IF;
    ELSIF kind LIKE 'event\_%' THEN
        -- A part is as readable as its event (gone with it when the event is deleted).
        parent := r.event_id;
        SELECT coalesce(bool_or(e.status <> 'draft'), false) INTO is_public
            FROM events AS e WHERE e.id = parent;
        was_public := TG_OP <> 'INSERT' AND is_public;
        is_public := TG_OP <> 'DELETE' AND is_public;
    ELSIF kind = 'cooperation_offer' THEN
        IF TG_OP <> 'INSERT' THEN
            was_public := coop_offer_listed(OLD.status, OLD.valid_until, today);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            is_public := coop_offer_listed(NEW.status, NEW.valid_until, today);
        END IF;
        readers := ARRAY[r.company_id];
    ELSIF kind = 'cooperation_interest' THEN
        parent := r.offer_id;
        readers := ARRAY[r.company_id]
            || ARRAY(SELECT o.company_id FROM cooperation_offers AS o WHERE o.id = parent);
    ELSE
        RAISE EXCEPTION 'coop_record_change: unknown resource type %', kind;
    END IF;
    INSERT INTO changes (resource_type, resource_id, parent_id, operation, version,
                         public_before, public_after, audience)
    VALUES (kind, r.id, parent,
            CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
            CASE WHEN TG_OP = 'DELETE' THEN clock_timestamp() ELSE r.updated_at END,
            was_public, is_public, readers);
    RETURN NULL;
END
$$;

CREATE TRIGGER companies_change AFTER INSERT OR UPDATE OR DELETE ON companies
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('company');
CREATE TRIGGER speakers_change AFTER INSERT OR UPDATE OR DELETE ON speakers
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('speaker');
CREATE TRIGGER events_change AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('event');
CREATE TRIGGER event_venues_change AFTER INSERT OR UPDATE OR DELETE ON event_venues
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('event_venue');
CREATE TRIGGER event_sessions_change AFTER INSERT OR UPDATE OR DELETE ON event_sessions
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('event_session');
CREATE TRIGGER event_speakers_change AFTER INSERT OR UPDATE OR DELETE ON event_speakers
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('event_speaker');
CREATE TRIGGER event_participants_change AFTER INSERT OR UPDATE OR DELETE ON event_participants
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('event_participant');
CREATE TRIGGER cooperation_offers_change AFTER INSERT OR UPDATE OR DELETE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('cooperation_offer');
CREATE TRIGGER cooperation_interests_change AFTER INSERT OR UPDATE OR DELETE ON cooperation_interests
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('cooperation_interest');

-- Gives positions, in `seq` order, to the changes whose transactions have committed (the only
-- ones this statement sees) and returns how many. One caller at a time (a transaction-scoped
-- advisory lock; others return 0 at once): the next caller starts after this one committed, so
-- positions only grow, without gaps a reader could pass.
CREATE FUNCTION coop_sequence_changes() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    last bigint;
    given bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('coop_sequence_changes')) THEN
        RETURN 0;
    END IF;
    SELECT coalesce(max(position), 0) INTO last FROM changes;
    UPDATE changes AS c SET position = p.position
        FROM (SELECT seq, last + row_number() OVER (ORDER BY seq) AS position
                FROM changes WHERE position IS NULL ORDER BY seq LIMIT 10000) AS p
        WHERE c.seq = p.seq;
    GET DIAGNOSTICS given = ROW_COUNT;
    IF given > 0 THEN
        PERFORM pg_notify('coop_changes', (last + given)::text);
    END IF;
    RETURN given;
END
$$;

-- An offer also stops being listed without any write, when its `valid_until` passes: the day
-- after, anonymous readers must learn that it is gone. coop_record_expiries() writes that
-- change for every published offer that expired since it last ran (once per day; the service
-- calls it with the positioning of changes).
CREATE TABLE change_log_state (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    expiries_recorded_until date NOT NULL
);
INSERT INTO change_log_state (expiries_recorded_until) VALUES ((now() AT TIME ZONE 'UTC')::date);

CREATE FUNCTION coop_record_expiries() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
    since date;
    written bigint;
BEGIN
    -- Read without a lock first: on all but one call a day there is nothing to do.
    SELECT expiries_recorded_until INTO since FROM change_log_state;
    IF since >= today THEN
        RETURN 0;
    END IF;
    SELECT expiries_recorded_until INTO since FROM change_log_state FOR UPDATE;
    IF since >= today THEN
        RETURN 0;
    END IF;
    -- Offers listed on `since` whose last listed day was before today.
    INSERT INTO changes (resource_type, resource_id, operation, version, public_before,
                         public_after, audience)
    SELECT 'cooperation_offer', o.id, 'updated', clock_timestamp(), true, false,
           ARRAY[o.company_id]
        FROM cooperation_offers AS o
        WHERE o.status = 'published' AND o.valid_until >= since AND o.valid_until < today
        ORDER BY o.valid_until, o.id;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE change_log_state SET expiries_recorded_until = today;
    RETURN written;
END
$$;
