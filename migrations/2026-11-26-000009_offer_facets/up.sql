-- Facets without reading the offers table, whose rows are wide (texts and three text search
-- vectors: five rows per page), so that counting the offers of a filter read a page per offer
-- (at a million offers: the whole market 1-5 s, a kind 0.9 s, a sector 0.45 s).
--
-- 1. The whole market: counts kept as offers change.
--
-- Counts are kept per validity date (`infinity` for offers without one), so that the offers
-- that expire leave the sums by themselves: the market of a day is the sum of the rows valid
-- on or after it. The triggers only ever append +1/-1 rows to `cooperation_offer_count_changes`:
-- writers never wait on each other's counters (every create of an offer without an end date
-- would otherwise update the same `total` row). `cooperation_offer_counts_fold()` folds the
-- changes into `cooperation_offer_counts` and drops the days that have passed; readers sum
-- both tables, so the counts are exact with or without a fold.
CREATE TABLE cooperation_offer_counts (
    facet       text NOT NULL,
    value       text NOT NULL,
    valid_until date NOT NULL,
    offers      bigint NOT NULL,
    PRIMARY KEY (facet, value, valid_until)
);

CREATE TABLE cooperation_offer_count_changes (
    facet       text NOT NULL,
    value       text NOT NULL,
    valid_until date NOT NULL,
    offers      bigint NOT NULL
);

-- What one published offer adds to the counts: the facets of `GET /cooperation-offers/facets`
-- (`total` counts the offers themselves).
CREATE FUNCTION cooperation_offer_facet_values(
    p_kind text, p_sectors text[], p_types text[], p_targets text[], p_company_id uuid)
RETURNS TABLE (facet text, value text)
LANGUAGE sql STABLE
AS $$
    SELECT 'total', ''
    UNION ALL SELECT 'kind', p_kind
    UNION ALL SELECT 'sector', s FROM unnest(p_sectors) AS s
    UNION ALL SELECT 'cooperation_type', t FROM unnest(p_types) AS t
    UNION ALL SELECT 'target_country', c FROM unnest(p_targets) AS c
    UNION ALL SELECT 'company_country', country FROM companies WHERE id = p_company_id
$$;

CREATE FUNCTION cooperation_offer_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        INSERT INTO cooperation_offer_count_changes (facet, value, valid_until, offers)
        SELECT f.facet, f.value, coalesce(OLD.valid_until, 'infinity'), -1
        FROM cooperation_offer_facet_values(OLD.kind, OLD.sectors, OLD.cooperation_types,
                                            OLD.target_countries, OLD.company_id) AS f;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        INSERT INTO cooperation_offer_count_changes (facet, value, valid_until, offers)
        SELECT f.facet, f.value, coalesce(NEW.valid_until, 'infinity'), 1
        FROM cooperation_offer_facet_values(NEW.kind, NEW.sectors, NEW.cooperation_types,
                                            NEW.target_countries, NEW.company_id) AS f;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cooperation_offer_counts_sync
    AFTER INSERT OR DELETE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_counts_sync();

-- A patch rewrites every column it is given; only a change of what is counted moves counts.
CREATE TRIGGER cooperation_offer_counts_sync_update
    AFTER UPDATE OF status, kind, sectors, cooperation_types, target_countries, company_id, valid_until
    ON cooperation_offers
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind
          OR OLD.sectors IS DISTINCT FROM NEW.sectors
          OR OLD.cooperation_types IS DISTINCT FROM NEW.cooperation_types
          OR OLD.target_countries IS DISTINCT FROM NEW.target_countries
          OR OLD.company_id IS DISTINCT FROM NEW.company_id
          OR OLD.valid_until IS DISTINCT FROM NEW.valid_until)
    EXECUTE FUNCTION cooperation_offer_counts_sync();

-- A company that moves takes its published offers to its new country's count.
CREATE FUNCTION cooperation_offer_counts_company_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cooperation_offer_count_changes (facet, value, valid_until, offers)
    SELECT 'company_country', c.country, coalesce(o.valid_until, 'infinity'), c.sign * count(*)
    FROM cooperation_offers AS o,
         (VALUES (OLD.country, -1), (NEW.country, 1)) AS c (country, sign)
    WHERE o.company_id = NEW.id AND o.status = 'published'
    GROUP BY c.country, c.sign, coalesce(o.valid_until, 'infinity');
    RETURN NULL;
END $$;

CREATE TRIGGER cooperation_offer_counts_company_sync
    AFTER UPDATE OF country ON companies
    FOR EACH ROW
    WHEN (OLD.country IS DISTINCT FROM NEW.country)
    EXECUTE FUNCTION cooperation_offer_counts_company_sync();

-- Folds the changes into the counts; false (and nothing done) when another session is
-- folding. The changes are deleted and added in one statement: a change appended meanwhile
-- is not seen by it and stays for the next fold.
CREATE FUNCTION cooperation_offer_counts_fold(p_today date) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('cooperation_offer_counts_fold')) THEN
        RETURN false;
    END IF;
    WITH folded AS (
        DELETE FROM cooperation_offer_count_changes RETURNING *
    )
    INSERT INTO cooperation_offer_counts AS c (facet, value, valid_until, offers)
    SELECT facet, value, valid_until, sum(offers)
    FROM folded
    GROUP BY facet, value, valid_until
    ON CONFLICT (facet, value, valid_until) DO UPDATE SET offers = c.offers + excluded.offers;
    -- Yesterday's offers may still be in the market of a client whose day has not ended.
    DELETE FROM cooperation_offer_counts WHERE valid_until < p_today - 2 OR offers = 0;
    RETURN true;
END $$;

INSERT INTO cooperation_offer_counts (facet, value, valid_until, offers)
SELECT f.facet, f.value, coalesce(o.valid_until, 'infinity'), count(*)
FROM cooperation_offers AS o
CROSS JOIN LATERAL cooperation_offer_facet_values(o.kind, o.sectors, o.cooperation_types,
                                                  o.target_countries, o.company_id) AS f
WHERE o.status = 'published'
GROUP BY 1, 2, 3;

-- 2. A sector (with or without other filters): the match candidates' table carries what the
--    facets count, so that a sector's offers are one range of its index (index-only).
DROP TRIGGER cooperation_offer_sectors_sync ON cooperation_offers;
DROP TABLE cooperation_offer_sectors;
CREATE TABLE cooperation_offer_sectors (
    sector            text NOT NULL,
    created_at        timestamptz NOT NULL,
    offer_id          uuid NOT NULL,
    kind              text NOT NULL,
    company_id        uuid NOT NULL,
    valid_until       date,
    sectors           text[] NOT NULL,
    cooperation_types text[] NOT NULL,
    target_countries  text[] NOT NULL
);

CREATE OR REPLACE FUNCTION cooperation_offer_sectors_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM cooperation_offer_sectors WHERE offer_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        INSERT INTO cooperation_offer_sectors (sector, created_at, offer_id, kind, company_id,
            valid_until, sectors, cooperation_types, target_countries)
        SELECT s, NEW.created_at, NEW.id, NEW.kind, NEW.company_id, NEW.valid_until,
               NEW.sectors, NEW.cooperation_types, NEW.target_countries
        FROM unnest(NEW.sectors) AS s;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cooperation_offer_sectors_sync
    AFTER INSERT OR DELETE OR UPDATE OF status, sectors, kind, company_id, valid_until, created_at,
        cooperation_types, target_countries
    ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_sectors_sync();

INSERT INTO cooperation_offer_sectors (sector, created_at, offer_id, kind, company_id,
    valid_until, sectors, cooperation_types, target_countries)
SELECT s, o.created_at, o.id, o.kind, o.company_id, o.valid_until,
       o.sectors, o.cooperation_types, o.target_countries
FROM cooperation_offers AS o, unnest(o.sectors) AS s
WHERE o.status = 'published';

CREATE INDEX cooperation_offer_sectors_idx ON cooperation_offer_sectors
    (sector, created_at DESC, offer_id DESC)
    INCLUDE (kind, company_id, valid_until, sectors, cooperation_types, target_countries);
CREATE INDEX cooperation_offer_sectors_offer_idx ON cooperation_offer_sectors (offer_id);

-- 3. A kind, and the filters that select from the whole market (cooperation type, target
--    country, company country): the published offers' facet fields in one index, read
--    without the rows (a kind is one range of it).
CREATE INDEX cooperation_offers_listed_facets_idx ON cooperation_offers (kind, valid_until)
    INCLUDE (sectors, cooperation_types, target_countries, company_id)
    WHERE status = 'published';
