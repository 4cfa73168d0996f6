DROP INDEX companies_name_vector_idx;
CREATE INDEX companies_name_vector_idx ON companies USING gin (name_vector);
DROP INDEX companies_search_vector_idx;
CREATE INDEX companies_search_vector_idx ON companies USING gin (search_vector);
ALTER TABLE companies ADD COLUMN body_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_body) || coop_stems(coalesce(city, '') || ' ' || coalesce(description, ''))
) STORED;
CREATE INDEX companies_body_vector_idx ON companies USING gin (body_vector);
DROP INDEX speakers_name_vector_idx;
CREATE INDEX speakers_name_vector_idx ON speakers USING gin (name_vector);
DROP INDEX speakers_search_vector_idx;
CREATE INDEX speakers_search_vector_idx ON speakers USING gin (search_vector);
ALTER TABLE speakers ADD COLUMN body_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_body) || coop_stems(coalesce(position, '') || ' ' || coalesce(bio, ''))
) STORED;
CREATE INDEX speakers_body_vector_idx ON speakers USING gin (body_vector);
DROP INDEX events_name_vector_idx;
CREATE INDEX events_name_vector_idx ON events USING gin (name_vector);
DROP INDEX events_search_vector_idx;
CREATE INDEX events_search_vector_idx ON events USING gin (search_vector);
ALTER TABLE events ADD COLUMN body_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_body) || coop_stems(coalesce(description, ''))
) STORED;
CREATE INDEX events_body_vector_idx ON events USING gin (body_vector);
DROP INDEX cooperation_offers_name_vector_idx;
CREATE INDEX cooperation_offers_name_vector_idx ON cooperation_offers USING gin (name_vector);
DROP INDEX cooperation_offers_search_vector_idx;
CREATE INDEX cooperation_offers_search_vector_idx ON cooperation_offers USING gin (search_vector);
ALTER TABLE cooperation_offers ADD COLUMN body_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_body) || coop_stems(coalesce(summary, '') || ' ' || coalesce(description, ''))
) STORED;
CREATE INDEX cooperation_offers_body_vector_idx ON cooperation_offers USING gin (body_vector);
CREATE FUNCTION coop_search_any(words text[], folded text[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN replace(coop_search_query(words, folded)::text, ') & (', ' | ')::tsquery;
DROP FUNCTION coop_periods(timestamptz);
DROP FUNCTION coop_period_start(timestamptz, int);
DROP FUNCTION coop_period(timestamptz, int);
DROP FUNCTION coop_epoch(timestamptz);
