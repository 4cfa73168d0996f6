-- The search's indexes (names; all the text) also hold the periods each row was created in,
-- so that the hits of a frequent word in one period come from the index alone.
--
-- When the newest rows hold no page of a frequent word's hits (thousands of recent rows without
-- it: an import, a campaign), the search used to fetch every older hit of the word from its
-- GIN index and sort them: 80,000 rows, about a second at a million offers. It now reads the
-- older hits period by period, each period eight times longer than the one before, and
-- stops at a page (see src/search/store.rs). A GIN index over both columns intersects the
-- word's rows with the period's inside the index, so only the period's hits are visited.
--
-- A period is one of a fixed grid: level 0 is a minute, each next level eight minutes,
-- 64 minutes, ... up to level 9 (about 255 years), aligned on 1970-01-01, so each period of
-- a level holds eight of the level below. A row is in ten periods, one per level, each
-- written as one number (its level, then its place on that level's grid), so that a
-- period is a single key of the index. A range of creation times would not do: a GIN
-- index answers `>= a` and `<= b` as two separate scans, the second from the oldest row.

-- Seconds from 1970 to `at`. Not `extract(epoch FROM at)`: that is only stable (other fields
-- of a timestamptz depend on the session's time zone), and PostgreSQL does not inline an
-- immutable SQL function whose body is less than immutable; then every index insert called
-- the functions below through the SQL function executor, twenty times per row (creates fell
-- from 3,200/s to 1,800/s). The difference of two timestamps, and its epoch, are immutable.
CREATE FUNCTION coop_epoch(at timestamptz) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN extract(epoch FROM at - timestamptz '1970-01-01 00:00:00+00');

-- The period of `level` that `at` falls in, as one number: the level in the bits above 2^40,
-- the period's number (offset by 2^39, so that times before 1970 stay on their level) below.
CREATE FUNCTION coop_period(at timestamptz, level int) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN level * 1099511627776::bigint + 549755813888::bigint
        + floor(coop_epoch(at) / (60 * 8::numeric ^ level))::bigint;

-- When that period starts.
CREATE FUNCTION coop_period_start(at timestamptz, level int) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN timestamptz '1970-01-01 00:00:00+00'
        + floor(coop_epoch(at) / (60 * 8::numeric ^ level)) * (60 * 8::numeric ^ level)
          * interval '1 second';

-- Every period `at` falls in, one per level.
CREATE FUNCTION coop_periods(at timestamptz) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY[coop_period(at, 0), coop_period(at, 1), coop_period(at, 2), coop_period(at, 3),
                 coop_period(at, 4), coop_period(at, 5), coop_period(at, 6), coop_period(at, 7),
                 coop_period(at, 8), coop_period(at, 9)];

-- The body's own vector and index served the search's probes of the text, which reading by
-- period replaces (a text hit is found through `search_vector`, every word somewhere): each
-- insert no longer computes and indexes it.

ALTER TABLE companies DROP COLUMN body_vector;
DROP INDEX companies_name_vector_idx;
CREATE INDEX companies_name_vector_idx ON companies
    USING gin (name_vector, coop_periods(created_at));
DROP INDEX companies_search_vector_idx;
CREATE INDEX companies_search_vector_idx ON companies
    USING gin (search_vector, coop_periods(created_at));

ALTER TABLE speakers DROP COLUMN body_vector;
DROP INDEX speakers_name_vector_idx;
CREATE INDEX speakers_name_vector_idx ON speakers
    USING gin (name_vector, coop_periods(created_at));
DROP INDEX speakers_search_vector_idx;
CREATE INDEX speakers_search_vector_idx ON speakers
    USING gin (search_vector, coop_periods(created_at));

ALTER TABLE events DROP COLUMN body_vector;
DROP INDEX events_name_vector_idx;
CREATE INDEX events_name_vector_idx ON events
    USING gin (name_vector, coop_periods(created_at));
DROP INDEX events_search_vector_idx;
CREATE INDEX events_search_vector_idx ON events
    USING gin (search_vector, coop_periods(created_at));

ALTER TABLE cooperation_offers DROP COLUMN body_vector;
DROP INDEX cooperation_offers_name_vector_idx;
CREATE INDEX cooperation_offers_name_vector_idx ON cooperation_offers
    USING gin (name_vector, coop_periods(created_at));
DROP INDEX cooperation_offers_search_vector_idx;
CREATE INDEX cooperation_offers_search_vector_idx ON cooperation_offers
    USING gin (search_vector, coop_periods(created_at));

-- Any word of a search: what the probes of the body asked its index for.
DROP FUNCTION coop_search_any(text[], text[]);
