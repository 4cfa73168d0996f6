DROP TRIGGER event_places_start ON events;
DROP FUNCTION event_places_start;
DROP TRIGGER event_places_moved ON event_venues;
DROP TRIGGER event_places_sync ON event_venues;
DROP FUNCTION event_places_sync;
DROP FUNCTION event_places_remove;
DROP FUNCTION event_places_add;
DROP TABLE event_places;
