-- Multilingual, accent- and script-insensitive search.
--
-- Every searchable table gets three generated tsvector columns:
--   name_vector   its name (title, full name, native name): what a "name hit" is;
--   body_vector   the other text (summary, description, position, bio);
--   search_vector both, for the lists' `q` (every word somewhere).
-- Each holds, for every word, its French, English and Russian stems (accents removed first,
-- so "médicaux", "Medicaux" and "medical" meet) and the word of the ASCII transliteration the
-- service stores beside the text (`search_text` for names, `search_body` for the rest), so
-- "Дридзе" meets "Dridzé" and "Skolkovo" meets "Сколково". The transliteration is written by
-- the service (any_ascii), as PostgreSQL has no transliterator for Cyrillic.
-- Queries are built by coop_search_query below; typos in names are left to pg_trgm on
-- `search_text` (its GIN index exists since the first migration).

CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION coop_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION coop_en
    ALTER MAPPING FOR word, hword, hword_part, asciiword, asciihword, hword_asciipart
    WITH unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION coop_fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION coop_fr
    ALTER MAPPING FOR word, hword, hword_part, asciiword, asciihword, hword_asciipart
    WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION coop_ru (COPY = russian);
ALTER TEXT SEARCH CONFIGURATION coop_ru
    ALTER MAPPING FOR word, hword, hword_part
    WITH unaccent, russian_stem;

-- The stems of a text in the three languages of the platform.
CREATE FUNCTION coop_stems(body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('public.coop_en', coalesce(body, ''))
        || to_tsvector('public.coop_fr', coalesce(body, ''))
        || to_tsvector('public.coop_ru', coalesce(body, ''));

-- The query for the words of a search (as typed, and transliterated to ASCII by the service):
-- every word must match, in any of its three stemmings or its transliteration. A word that is
-- a stop word in one of the languages ("de", "the", "и") is left out, as the documents do not
-- index it in that language. No word left: the empty query, which matches nothing. Equal
-- alternatives are written once: the planner estimates an OR of n equal lexemes as n times
-- as frequent, and would then prefer to walk the whole table in date order.
CREATE FUNCTION coop_search_query(words text[], folded text[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
        SELECT coalesce(string_agg('(' || array_to_string(
                   ARRAY(SELECT DISTINCT unnest(ARRAY[en, fr, ru, si])), ' | ') || ')',
                   ' & ' ORDER BY n), '')::tsquery
        FROM (
            SELECT n,
                   plainto_tsquery('public.coop_en', w)::text AS en,
                   plainto_tsquery('public.coop_fr', w)::text AS fr,
                   plainto_tsquery('public.coop_ru', w)::text AS ru,
                   plainto_tsquery('simple', f)::text AS si
            FROM unnest(words, folded) WITH ORDINALITY AS u (w, f, n)
        ) AS alternatives
        WHERE en <> '' AND fr <> '' AND ru <> '' AND si <> ''
    );

-- The same words, any of them: what a row must have in its body text to be a text hit
-- (see the search queries), which its own GIN index answers quickly.
CREATE FUNCTION coop_search_any(words text[], folded text[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN replace(coop_search_query(words, folded)::text, ') & (', ' | ')::tsquery;

-- companies ------------------------------------------------------------------------------
ALTER TABLE companies ADD COLUMN search_body text NOT NULL DEFAULT '';
UPDATE companies
SET search_body = lower(unaccent(concat_ws(' ', city, description)))
WHERE city IS NOT NULL OR description IS NOT NULL;
ALTER TABLE companies
    ADD COLUMN name_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', search_text) || coop_stems(coalesce(name, '') || ' ' || coalesce(native_name, ''))
    ) STORED,
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', search_text || ' ' || search_body)
        || coop_stems(coalesce(name, '') || ' ' || coalesce(native_name, '') || ' ' || coalesce(city, '') || ' ' || coalesce(description, ''))
    ) STORED;
CREATE INDEX companies_name_vector_idx ON companies USING gin (name_vector);
CREATE INDEX companies_search_vector_idx ON companies USING gin (search_vector);
ALTER TABLE companies ADD COLUMN body_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_body) || coop_stems(coalesce(city, '') || ' ' || coalesce(description, ''))
) STORED;
CREATE INDEX companies_body_vector_idx ON companies USING gin (body_vector);

-- speakers -------------------------------------------------------------------------------
ALTER TABLE speakers ADD COLUMN search_body text NOT NULL DEFAULT '';
UPDATE speakers
SET search_body = lower(unaccent(concat_ws(' ', position, bio)))
WHERE position IS NOT NULL OR bio IS NOT NULL;
ALTER TABLE speakers
    ADD COLUMN name_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', search_text) || coop_stems(coalesce(full_name, '') || ' ' || coalesce(native_name, ''))
    ) STORED,
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', search_text || ' ' || search_body)
        || coop_stems(coalesce(full_name, '') || ' ' || coalesce(native_name, '') || ' ' || coalesce(position, '') || ' ' || coalesce(bio, ''))
    ) STORED;
CREATE INDEX speakers_name_vector_idx ON speakers USING gin (name_vector);
CREATE INDEX speakers_search_vector_idx ON speakers USING gin (search_vector);
ALTER TABLE speakers ADD COLUMN body_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_body) || coop_stems(coalesce(position, '') || ' ' || coalesce(bio, ''))
) STORED;
CREATE INDEX speakers_body_vector_idx ON speakers USING gin (body_vector);

-- events ---------------------------------------------------------------------------------
ALTER TABLE events ADD COLUMN search_body text NOT NULL DEFAULT '';
UPDATE events
SET search_body = lower(unaccent(description))
WHERE description IS NOT NULL;
ALTER TABLE events
    ADD COLUMN name_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', search_text) || coop_stems(title)
    ) STORED,
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', search_text || ' ' || search_body)
        || coop_stems(coalesce(title, '') || ' ' || coalesce(description, ''))
    ) STORED;
CREATE INDEX events_name_vector_idx ON events USING gin (name_vector);
CREATE INDEX events_search_vector_idx ON events USING gin (search_vector);
ALTER TABLE events ADD COLUMN body_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_body) || coop_stems(coalesce(description, ''))
) STORED;
CREATE INDEX events_body_vector_idx ON events USING gin (body_vector);
CREATE INDEX events_created_at_idx ON events (created_at, id);

-- cooperation offers: the title is the name; summary and description the body ---------------
ALTER TABLE cooperation_offers ADD COLUMN search_body text NOT NULL DEFAULT '';
UPDATE cooperation_offers
SET search_text = lower(unaccent(title)),
    search_body = lower(unaccent(concat_ws(' ', summary, description)));
ALTER TABLE cooperation_offers
    ADD COLUMN name_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', search_text) || coop_stems(title)
    ) STORED,
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', search_text || ' ' || search_body)
        || coop_stems(coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(description, ''))
    ) STORED;
CREATE INDEX cooperation_offers_name_vector_idx ON cooperation_offers USING gin (name_vector);
CREATE INDEX cooperation_offers_search_vector_idx ON cooperation_offers USING gin (search_vector);
ALTER TABLE cooperation_offers ADD COLUMN body_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_body) || coop_stems(coalesce(summary, '') || ' ' || coalesce(description, ''))
) STORED;
CREATE INDEX cooperation_offers_body_vector_idx ON cooperation_offers USING gin (body_vector);
