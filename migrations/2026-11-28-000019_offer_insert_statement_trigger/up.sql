-- Offers' inserts run their derived writes once per statement, not once per row. An import
-- inserts up to 250 offers in one statement; one INSERT of 5,000 offers costs 56 µs a row
-- without triggers, 112 µs with the four PL/pgSQL row triggers, and 93 µs with the same work
-- done set-based over the statement's transition table. Updates and deletes keep their row
-- triggers: they name columns, which triggers with transition tables may not.
--
-- What an offer derives (its market rows, its sector rows, its facet counts) is declared once,
-- in the functions below, and used by both kinds of trigger. Its change row on insert is the
-- one `coop_record_change('cooperation_offer')` writes for an insert; a test compares them.

-- The market rows of an offer (none unless it is published).
CREATE FUNCTION cooperation_offer_market_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_markets
LANGUAGE sql STABLE
AS $$
    SELECT s, t, o.created_at, o.id, o.valid_until, o.kind, o.company_id, o.sectors,
           o.cooperation_types, o.target_countries
    FROM unnest(o.sectors) AS s, unnest(o.target_countries) AS t
    WHERE o.status = 'published'
$$;

-- The sector rows of an offer (none unless it is published).
CREATE FUNCTION cooperation_offer_sector_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_sectors
LANGUAGE sql STABLE
AS $$
    SELECT s, o.created_at, o.id, o.kind, o.company_id, o.valid_until, o.sectors,
           o.cooperation_types, o.target_countries
    FROM unnest(o.sectors) AS s
    WHERE o.status = 'published'
$$;

-- The facet counts an offer adds (`sign` 1) or takes away (-1): none unless it is published.
CREATE FUNCTION cooperation_offer_count_rows(o cooperation_offers, sign integer)
RETURNS TABLE (facet text, value text, valid_until date, offers integer)
LANGUAGE sql STABLE
AS $$
    SELECT f.facet, f.value, coalesce(o.valid_until, 'infinity'), sign
    FROM cooperation_offer_facet_values(o.kind, o.sectors, o.cooperation_types,
                                        o.target_countries, o.company_id) AS f
    WHERE o.status = 'published'
$$;

CREATE OR REPLACE FUNCTION cooperation_offer_counts_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO cooperation_offer_count_changes (facet, value, valid_until, offers)
        SELECT * FROM cooperation_offer_count_rows(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO cooperation_offer_count_changes (facet, value, valid_until, offers)
        SELECT * FROM cooperation_offer_count_rows(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cooperation_offer_markets_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM cooperation_offer_markets WHERE offer_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO cooperation_offer_markets SELECT * FROM cooperation_offer_market_rows(NEW);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cooperation_offer_sectors_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM cooperation_offer_sectors WHERE offer_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO cooperation_offer_sectors SELECT * FROM cooperation_offer_sector_rows(NEW);
    END IF;
    RETURN NULL;
END $$;

-- Everything an insert of offers derives, for all the statement's rows at once. The change
-- rows say what `coop_record_change('cooperation_offer')` says of an insert: created, not
-- public before, public when listed, readable by the offer's company.
CREATE FUNCTION cooperation_offers_inserted() RETURNS trigger
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
    INSERT INTO changes (resource_type, resource_id, parent_id, operation, version,
                         public_before, public_after, audience)
    SELECT 'cooperation_offer', n.id, NULL, 'created', n.updated_at, false,
           coop_offer_listed(n.status, n.valid_until, today), ARRAY[n.company_id]
    FROM inserted AS n;
    RETURN NULL;
END $$;

DROP TRIGGER cooperation_offer_counts_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_counts_sync AFTER DELETE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_counts_sync();

DROP TRIGGER cooperation_offer_markets_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_markets_sync
    AFTER DELETE OR UPDATE OF status, sectors, target_countries, valid_until, created_at, kind,
        company_id, cooperation_types ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_markets_sync();

DROP TRIGGER cooperation_offer_sectors_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_sectors_sync
    AFTER DELETE OR UPDATE OF status, sectors, kind, company_id, valid_until, created_at,
        cooperation_types, target_countries ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_sectors_sync();

DROP TRIGGER cooperation_offers_change ON cooperation_offers;
CREATE TRIGGER cooperation_offers_change AFTER DELETE OR UPDATE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('cooperation_offer');

CREATE TRIGGER cooperation_offers_inserted AFTER INSERT ON cooperation_offers
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION cooperation_offers_inserted();
