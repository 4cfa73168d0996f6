-- Each speaker carries its JSON as the API serves it to a caller who may not see its contact
-- (anonymous callers, and keys of other companies), so that such a caller's page of speakers
-- is passed through by the service instead of each row being decoded and serialised again.
-- Written by a trigger before every insert and update, in the writing transaction.

-- A speaker as its public representation in the API: the fields in the order, and with the
-- formats, that the service's serialiser writes, without `contact`. A test compares each item
-- with the speaker read by id, byte for byte.
CREATE FUNCTION coop_speaker_item(s speakers) RETURNS text
LANGUAGE sql STABLE
RETURN '{"id":"' || s.id
    || '","full_name":' || to_json(s.full_name)
    || ',"native_name":' || coalesce(to_json(s.native_name)::text, 'null')
    || ',"position":' || coalesce(to_json(s.position)::text, 'null')
    || ',"company_id":' || coalesce('"' || s.company_id || '"', 'null')
    || ',"country":' || coalesce(to_json(s.country)::text, 'null')
    || ',"bio":' || coalesce(to_json(s.bio)::text, 'null')
    || ',"links":' || to_json(s.links)
    || ',"external_id":' || coalesce(to_json(s.external_id)::text, 'null')
    || ',"created_at":' || coop_json_time(s.created_at)
    || ',"updated_at":' || coop_json_time(s.updated_at)
    || '}';

ALTER TABLE speakers ADD COLUMN item text;
-- Filling the new column changes no speaker: the change log records nothing of it.
ALTER TABLE speakers DISABLE TRIGGER speakers_change;
UPDATE speakers AS s SET item = coop_speaker_item(s);
ALTER TABLE speakers ENABLE TRIGGER speakers_change;
ALTER TABLE speakers ALTER COLUMN item SET NOT NULL;

CREATE FUNCTION speakers_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.item := coop_speaker_item(NEW);
    RETURN NEW;
END $$;

CREATE TRIGGER speakers_item BEFORE INSERT OR UPDATE ON speakers
    FOR EACH ROW EXECUTE FUNCTION speakers_item();
