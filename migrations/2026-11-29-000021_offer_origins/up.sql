-- The listed offers by their company's country, newest first, kept by triggers on the offers
-- and on the companies: `GET /cooperation-offers?company_country=..` reads a page straight off
-- this table's index. Without it, PostgreSQL either collected every offer of the country's
-- companies (thousands for France) and sorted them, or walked all offers newest first,
-- looking up each one's company, until a page of the country's was found.
--
-- One row per published offer, as in `cooperation_offer_markets`: expired offers are skipped
-- by `valid_until`, in the index, without visiting them.
CREATE TABLE cooperation_offer_origins (
    offer_id        uuid PRIMARY KEY,
    company_country text NOT NULL,
    created_at      timestamptz NOT NULL,
    valid_until     date
);
CREATE INDEX cooperation_offer_origins_idx ON cooperation_offer_origins
    (company_country, created_at, offer_id) INCLUDE (valid_until);

-- The origin row of an offer (none unless it is published). Its writers first take a share
-- lock on the company's row, which a change of the company's country waits for (and which
-- waits for it), so a country that changes while the offer is written is never kept stale:
-- the company's trigger below sees the offer, or the offer's row reads the new country. The
-- lock is a statement of its own so that this function stays inlined into the statement
-- trigger's insert: a locking function is volatile, called and planned once per row, and
-- costs creates a tenth to a fifth of their rate (docs/PERFORMANCE.md, round seven).
CREATE FUNCTION cooperation_offer_origin_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_origins
LANGUAGE sql STABLE
AS $$
    SELECT o.id, c.country, o.created_at, o.valid_until
    FROM companies AS c
    WHERE c.id = o.company_id AND o.status = 'published'
$$;

INSERT INTO cooperation_offer_origins
SELECT r.* FROM cooperation_offers AS o, cooperation_offer_origin_rows(o) AS r;

CREATE FUNCTION cooperation_offer_origins_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM cooperation_offer_origins WHERE offer_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM FROM companies WHERE id = NEW.company_id FOR SHARE;
        INSERT INTO cooperation_offer_origins SELECT * FROM cooperation_offer_origin_rows(NEW);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cooperation_offer_origins_sync
    AFTER DELETE OR UPDATE OF status, valid_until, created_at, company_id ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_origins_sync();

-- A company that moves takes its listed offers with it.
CREATE FUNCTION cooperation_offer_origins_company() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cooperation_offer_origins SET company_country = NEW.country
    WHERE offer_id IN (SELECT id FROM cooperation_offers WHERE company_id = NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER cooperation_offer_origins_company
    AFTER UPDATE OF country ON companies
    FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country)
    EXECUTE FUNCTION cooperation_offer_origins_company();

-- Inserts derive the origin rows with the rest, once per statement.
CREATE OR REPLACE FUNCTION cooperation_offers_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    INSERT INTO cooperation_offer_count_changes (facet, value, valid_until, offers)
    SELECT c.* FROM inserted AS n, cooperation_offer_count_rows(n, 1) AS c;
    INSERT INTO cooperation_offer_markets
    SELECT m.* FROM inserted AS n, cooperation_offer_market_rows(n) AS m;
    INSERT INTO cooperation_offer_sectors
    SELECT s.* FROM inserted AS n, cooperation_offer_sector_rows(n) AS s;
    -- In key order, so that two inserts for the same companies wait instead of deadlocking.
    PERFORM FROM companies WHERE id IN (SELECT company_id FROM inserted) ORDER BY id FOR SHARE;
    INSERT INTO cooperation_offer_origins
    SELECT r.* FROM inserted AS n, cooperation_offer_origin_rows(n) AS r;
    INSERT INTO changes (resource_type, resource_id, parent_id, operation, version,
                         public_before, public_after, audience)
    SELECT 'cooperation_offer', n.id, NULL, 'created', n.updated_at, false,
           coop_offer_listed(n.status, n.valid_until, today), ARRAY[n.company_id]
    FROM inserted AS n;
    RETURN NULL;
END $$;

-- Listed offers of one sector, or from one country, newest (or oldest) first, after a keyset
-- position (none: from the start of the list). The service calls these for a sector or a
-- company country alone, as it calls `cooperation_offers_in_market` for a market, and for the
-- same reason: PostgreSQL keeps custom plans for the same statements prepared by the service
-- (a sector's plan for its values is costed 96 to 98, the generic one 112), and planning them
-- took longer than running them (0.32 ms against 0.18 ms a page, under load). Inside
-- PL/pgSQL they are prepared once per connection and forced generic: the plan (the index in
-- order from the position, then each offer by id) is right for every value. Without a
-- position, the page starts beyond every row: at +/- infinity. They return the API's columns,
-- as the market's function does (migration 000018).
CREATE FUNCTION cooperation_offers_in_sector(
    p_sector text, p_today date, p_descending boolean,
    p_after_at timestamptz, p_after_id uuid, p_limit integer)
RETURNS TABLE (
    id uuid, company_id uuid, kind text, cooperation_types text[], title text, summary text,
    description text, sectors text[], target_countries text[], language text, status text,
    published_at timestamptz, valid_until date, event_id uuid, created_at timestamptz,
    updated_at timestamptz, external_id text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    after_at timestamptz := coalesce(p_after_at,
        CASE WHEN p_descending THEN 'infinity'::timestamptz ELSE '-infinity' END);
    after_id uuid := coalesce(p_after_id, '00000000-0000-0000-0000-000000000000');
BEGIN
    IF p_descending THEN
        RETURN QUERY SELECT o.id, o.company_id, o.kind, o.cooperation_types, o.title, o.summary,
               o.description, o.sectors, o.target_countries, o.language, o.status, o.published_at,
               o.valid_until, o.event_id, o.created_at, o.updated_at, o.external_id
            FROM cooperation_offer_sectors AS k
            JOIN cooperation_offers AS o ON o.id = k.offer_id
            WHERE k.sector = p_sector AND coop_offer_unexpired(k.valid_until, p_today)
              AND (k.created_at, k.offer_id) < (after_at, after_id)
            ORDER BY k.created_at DESC, k.offer_id DESC
            LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT o.id, o.company_id, o.kind, o.cooperation_types, o.title, o.summary,
               o.description, o.sectors, o.target_countries, o.language, o.status, o.published_at,
               o.valid_until, o.event_id, o.created_at, o.updated_at, o.external_id
            FROM cooperation_offer_sectors AS k
            JOIN cooperation_offers AS o ON o.id = k.offer_id
            WHERE k.sector = p_sector AND coop_offer_unexpired(k.valid_until, p_today)
              AND (k.created_at, k.offer_id) > (after_at, after_id)
            ORDER BY k.created_at ASC, k.offer_id ASC
            LIMIT p_limit;
    END IF;
END $$;

CREATE FUNCTION cooperation_offers_from_country(
    p_country text, p_today date, p_descending boolean,
    p_after_at timestamptz, p_after_id uuid, p_limit integer)
RETURNS TABLE (
    id uuid, company_id uuid, kind text, cooperation_types text[], title text, summary text,
    description text, sectors text[], target_countries text[], language text, status text,
    published_at timestamptz, valid_until date, event_id uuid, created_at timestamptz,
    updated_at timestamptz, external_id text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    after_at timestamptz := coalesce(p_after_at,
        CASE WHEN p_descending THEN 'infinity'::timestamptz ELSE '-infinity' END);
    after_id uuid := coalesce(p_after_id, '00000000-0000-0000-0000-000000000000');
BEGIN
    IF p_descending THEN
        RETURN QUERY SELECT o.id, o.company_id, o.kind, o.cooperation_types, o.title, o.summary,
               o.description, o.sectors, o.target_countries, o.language, o.status, o.published_at,
               o.valid_until, o.event_id, o.created_at, o.updated_at, o.external_id
            FROM cooperation_offer_origins AS k
            JOIN cooperation_offers AS o ON o.id = k.offer_id
            WHERE k.company_country = p_country AND coop_offer_unexpired(k.valid_until, p_today)
              AND (k.created_at, k.offer_id) < (after_at, after_id)
            ORDER BY k.created_at DESC, k.offer_id DESC
            LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT o.id, o.company_id, o.kind, o.cooperation_types, o.title, o.summary,
               o.description, o.sectors, o.target_countries, o.language, o.status, o.published_at,
               o.valid_until, o.event_id, o.created_at, o.updated_at, o.external_id
            FROM cooperation_offer_origins AS k
            JOIN cooperation_offers AS o ON o.id = k.offer_id
            WHERE k.company_country = p_country AND coop_offer_unexpired(k.valid_until, p_today)
              AND (k.created_at, k.offer_id) > (after_at, after_id)
            ORDER BY k.created_at ASC, k.offer_id ASC
            LIMIT p_limit;
    END IF;
END $$;
