-- An integrator's own reference for a resource, to find and upsert it without storing our
-- ids. Unique per owning company for offers and speakers (a speaker without a company in the
-- scope of speakers without one), across the platform for companies and events.
ALTER TABLE companies ADD COLUMN external_id text;
ALTER TABLE speakers ADD COLUMN external_id text;
ALTER TABLE events ADD COLUMN external_id text;
ALTER TABLE cooperation_offers ADD COLUMN external_id text;
CREATE UNIQUE INDEX companies_external_id ON companies (external_id);
CREATE UNIQUE INDEX events_external_id ON events (external_id);
CREATE UNIQUE INDEX speakers_external_id ON speakers (company_id, external_id) NULLS NOT DISTINCT
  WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX cooperation_offers_external_id ON cooperation_offers (company_id, external_id);
