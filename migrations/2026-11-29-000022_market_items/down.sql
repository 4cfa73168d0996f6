DROP FUNCTION cooperation_offer_items_in_market;
DROP TRIGGER cooperation_offer_markets_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_markets_sync
    AFTER DELETE OR UPDATE OF status, sectors, target_countries, valid_until, created_at, kind,
        company_id, cooperation_types ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_markets_sync();
ALTER TABLE cooperation_offer_markets DROP COLUMN item;
CREATE OR REPLACE FUNCTION cooperation_offer_market_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_markets LANGUAGE sql STABLE AS $$
    SELECT s, t, o.created_at, o.id, o.valid_until, o.kind, o.company_id, o.sectors,
           o.cooperation_types, o.target_countries
    FROM unnest(o.sectors) AS s, unnest(o.target_countries) AS t
    WHERE o.status = 'published'
$$;
DROP FUNCTION coop_offer_item;
DROP FUNCTION coop_json_time;
