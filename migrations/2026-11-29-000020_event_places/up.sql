-- The countries each event takes place in, with its start, kept by triggers from its venues:
-- the event list filtered by country reads this table's index in start order and stops after
-- a page. Without it, PostgreSQL either walks every event by start probing its venues for the
-- country, or reads the country's venues and sorts their events; both read far more than a
-- page.
--
-- One row per (event, country), counting the event's venues there, so that a venue added and
-- another removed in the same country at once leave the row right: the counter's row lock
-- orders them. A venue's insert reads the event's start under a share lock on the event's
-- row, which an update of the event waits for, so a start that changes meanwhile is never
-- written stale.
CREATE TABLE event_places (
    event_id uuid NOT NULL,
    country text NOT NULL,
    starts_at timestamptz NOT NULL,
    venues integer NOT NULL CHECK (venues >= 0),
    PRIMARY KEY (event_id, country)
);

CREATE INDEX event_places_in_order ON event_places (country, starts_at, event_id);

INSERT INTO event_places (event_id, country, starts_at, venues)
SELECT v.event_id, v.country, e.starts_at, count(*)
FROM event_venues AS v JOIN events AS e ON e.id = v.event_id
GROUP BY v.event_id, v.country, e.starts_at;

-- A venue counted in its event's country.
CREATE FUNCTION event_places_add(p_event_id uuid, p_country text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO event_places (event_id, country, starts_at, venues)
    SELECT e.id, p_country, e.starts_at, 1
    FROM events AS e WHERE e.id = p_event_id
    FOR SHARE
    ON CONFLICT (event_id, country) DO UPDATE SET venues = event_places.venues + 1;
$$;

-- A venue no longer counted there. The decrement waits for any other on the row and applies
-- to its result; the delete then sees this transaction's zero.
CREATE FUNCTION event_places_remove(p_event_id uuid, p_country text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE event_places SET venues = venues - 1
    WHERE event_id = p_event_id AND country = p_country;
    DELETE FROM event_places
    WHERE event_id = p_event_id AND country = p_country AND venues = 0;
END $$;

-- A venue moved takes its two rows' locks in key order, as every move does, so that two moves
-- in opposite directions wait for each other instead of deadlocking.
CREATE FUNCTION event_places_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM event_places_add(NEW.event_id, NEW.country);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM event_places_remove(OLD.event_id, OLD.country);
    ELSIF (NEW.event_id, NEW.country) < (OLD.event_id, OLD.country) THEN
        PERFORM event_places_add(NEW.event_id, NEW.country);
        PERFORM event_places_remove(OLD.event_id, OLD.country);
    ELSE
        PERFORM event_places_remove(OLD.event_id, OLD.country);
        PERFORM event_places_add(NEW.event_id, NEW.country);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER event_places_sync
    AFTER INSERT OR DELETE ON event_venues
    FOR EACH ROW EXECUTE FUNCTION event_places_sync();

CREATE TRIGGER event_places_moved
    AFTER UPDATE OF event_id, country ON event_venues
    FOR EACH ROW
    WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id OR OLD.country IS DISTINCT FROM NEW.country)
    EXECUTE FUNCTION event_places_sync();

CREATE FUNCTION event_places_start() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE event_places SET starts_at = NEW.starts_at WHERE event_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER event_places_start
    AFTER UPDATE OF starts_at ON events
    FOR EACH ROW
    WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at)
    EXECUTE FUNCTION event_places_start();
