DROP FUNCTION cooperation_offer_items_from_country;
DROP FUNCTION cooperation_offer_items_in_sector;
DROP TRIGGER cooperation_offer_origins_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_origins_sync
    AFTER DELETE OR UPDATE OF status, valid_until, created_at, company_id ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_origins_sync();
DROP TRIGGER cooperation_offer_sectors_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_sectors_sync
    AFTER DELETE OR UPDATE OF status, sectors, kind, company_id, valid_until, created_at,
        cooperation_types, target_countries ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_sectors_sync();
ALTER TABLE cooperation_offer_origins DROP COLUMN item;
ALTER TABLE cooperation_offer_sectors DROP COLUMN item;
CREATE OR REPLACE FUNCTION cooperation_offer_origin_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_origins LANGUAGE sql STABLE AS $$
    SELECT o.id, c.country, o.created_at, o.valid_until
    FROM companies AS c
    WHERE c.id = o.company_id AND o.status = 'published'
$$;
CREATE OR REPLACE FUNCTION cooperation_offer_sector_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_sectors LANGUAGE sql STABLE AS $$
    SELECT s, o.created_at, o.id, o.kind, o.company_id, o.valid_until, o.sectors,
           o.cooperation_types, o.target_countries
    FROM unnest(o.sectors) AS s
    WHERE o.status = 'published'
$$;
