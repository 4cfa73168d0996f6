DROP TRIGGER events_item ON events;
DROP FUNCTION events_item;
ALTER TABLE events DROP COLUMN item;
DROP FUNCTION coop_event_item;
