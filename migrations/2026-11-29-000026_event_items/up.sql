-- Each event carries its JSON as the API serves it with nothing expanded, so that a page of
-- events is passed through by the service instead of each row being decoded and serialised
-- again for every page. Written by a trigger before every insert and update, in the writing
-- transaction.

-- An event as its representation in the API: the fields in the order, and with the formats,
-- that the service's serialiser writes. A test compares each item with the event read by id,
-- byte for byte.
CREATE FUNCTION coop_event_item(e events) RETURNS text
LANGUAGE sql STABLE
RETURN '{"id":"' || e.id
    || '","title":' || to_json(e.title)
    || ',"description":' || coalesce(to_json(e.description)::text, 'null')
    || ',"kind":' || to_json(e.kind)
    || ',"format":' || to_json(e.format)
    || ',"status":' || to_json(e.status)
    || ',"starts_at":' || coop_json_time(e.starts_at)
    || ',"ends_at":' || coop_json_time(e.ends_at)
    || ',"timezone":' || to_json(e.timezone)
    || ',"languages":' || to_json(e.languages)
    || ',"sectors":' || to_json(e.sectors)
    || ',"external_id":' || coalesce(to_json(e.external_id)::text, 'null')
    || ',"created_at":' || coop_json_time(e.created_at)
    || ',"updated_at":' || coop_json_time(e.updated_at)
    || '}';

ALTER TABLE events ADD COLUMN item text;
-- Filling the new column changes no event: the change log records nothing of it.
ALTER TABLE events DISABLE TRIGGER events_change;
UPDATE events AS e SET item = coop_event_item(e);
ALTER TABLE events ENABLE TRIGGER events_change;
ALTER TABLE events ALTER COLUMN item SET NOT NULL;

CREATE FUNCTION events_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.item := coop_event_item(NEW);
    RETURN NEW;
END $$;

CREATE TRIGGER events_item BEFORE INSERT OR UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_item();
