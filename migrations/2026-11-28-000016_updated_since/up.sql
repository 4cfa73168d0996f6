-- Lists read "what changed since" (`updated_since`, `sort=updated_at`) in keyset order:
-- each index yields a page in order from the cursor on.
CREATE INDEX companies_updated_at ON companies (updated_at, id);
CREATE INDEX speakers_updated_at ON speakers (updated_at, id);
CREATE INDEX events_updated_at ON events (updated_at, id);
CREATE INDEX cooperation_offers_updated_at ON cooperation_offers (updated_at, id);
