DROP INDEX cooperation_offers_updated_at;
DROP INDEX events_updated_at;
DROP INDEX speakers_updated_at;
DROP INDEX companies_updated_at;
