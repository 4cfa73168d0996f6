DROP TABLE cooperation_offers;
DROP TABLE event_participants;
DROP TABLE event_speakers;
DROP TABLE event_sessions;
DROP TABLE event_venues;
DROP TABLE events;
DROP TABLE speakers;
