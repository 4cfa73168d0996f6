DROP TRIGGER cooperation_offers_inserted ON cooperation_offers;
DROP FUNCTION cooperation_offers_inserted();

DROP TRIGGER cooperation_offer_counts_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_counts_sync AFTER INSERT OR DELETE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_counts_sync();

DROP TRIGGER cooperation_offer_markets_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_markets_sync
    AFTER INSERT OR DELETE OR UPDATE OF status, sectors, target_countries, valid_until, created_at,
        kind, company_id, cooperation_types ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_markets_sync();

DROP TRIGGER cooperation_offer_sectors_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_sectors_sync
    AFTER INSERT OR DELETE OR UPDATE OF status, sectors, kind, company_id, valid_until, created_at,
        cooperation_types, target_countries ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_sectors_sync();

DROP TRIGGER cooperation_offers_change ON cooperation_offers;
CREATE TRIGGER cooperation_offers_change AFTER INSERT OR DELETE OR UPDATE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION coop_record_change('cooperation_offer');

-- The row triggers' functions as they were before, each with its own insert.
CREATE OR REPLACE FUNCTION cooperation_offer_counts_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION cooperation_offer_markets_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM cooperation_offer_markets WHERE offer_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        INSERT INTO cooperation_offer_markets (sector, target_country, created_at, offer_id,
            valid_until, kind, company_id, sectors, cooperation_types, target_countries)
        SELECT s, t, NEW.created_at, NEW.id, NEW.valid_until, NEW.kind, NEW.company_id,
               NEW.sectors, NEW.cooperation_types, NEW.target_countries
        FROM unnest(NEW.sectors) AS s, unnest(NEW.target_countries) AS t;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cooperation_offer_sectors_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
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

DROP FUNCTION cooperation_offer_count_rows(cooperation_offers, integer);
DROP FUNCTION cooperation_offer_sector_rows(cooperation_offers);
DROP FUNCTION cooperation_offer_market_rows(cooperation_offers);
