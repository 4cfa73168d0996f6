ALTER TABLE cooperation_offers DROP COLUMN external_id;
ALTER TABLE events DROP COLUMN external_id;
ALTER TABLE speakers DROP COLUMN external_id;
ALTER TABLE companies DROP COLUMN external_id;
