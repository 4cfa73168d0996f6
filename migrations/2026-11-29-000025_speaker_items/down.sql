DROP TRIGGER speakers_item ON speakers;
DROP FUNCTION speakers_item;
ALTER TABLE speakers DROP COLUMN item;
DROP FUNCTION coop_speaker_item;
