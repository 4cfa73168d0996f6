DROP FUNCTION cooperation_offers_from_country;
DROP FUNCTION cooperation_offers_in_sector;
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
    INSERT INTO changes (resource_type, resource_id, parent_id, operation, version,
                         public_before, public_after, audience)
    SELECT 'cooperation_offer', n.id, NULL, 'created', n.updated_at, false,
           coop_offer_listed(n.status, n.valid_until, today), ARRAY[n.company_id]
    FROM inserted AS n;
    RETURN NULL;
END $$;
DROP TRIGGER cooperation_offer_origins_company ON companies;
DROP FUNCTION cooperation_offer_origins_company;
DROP TRIGGER cooperation_offer_origins_sync ON cooperation_offers;
DROP FUNCTION cooperation_offer_origins_sync;
DROP FUNCTION cooperation_offer_origin_rows;
DROP TABLE cooperation_offer_origins;
