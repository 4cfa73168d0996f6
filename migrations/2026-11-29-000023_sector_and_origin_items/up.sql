-- The sector and company-country lists carry their offers' JSON as the market rows do
-- (migration 000022): a page of either is read off its own index and passed through by the
-- service, with no offer fetched, decoded or serialised again.

ALTER TABLE cooperation_offer_sectors ADD COLUMN item text;
ALTER TABLE cooperation_offer_origins ADD COLUMN item text;

CREATE OR REPLACE FUNCTION cooperation_offer_sector_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_sectors LANGUAGE sql STABLE AS $$
    SELECT s, o.created_at, o.id, o.kind, o.company_id, o.valid_until, o.sectors,
           o.cooperation_types, o.target_countries, coop_offer_item(o)
    FROM unnest(o.sectors) AS s
    WHERE o.status = 'published'
$$;

CREATE OR REPLACE FUNCTION cooperation_offer_origin_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_origins LANGUAGE sql STABLE AS $$
    SELECT o.id, c.country, o.created_at, o.valid_until, coop_offer_item(o)
    FROM companies AS c
    WHERE c.id = o.company_id AND o.status = 'published'
$$;

UPDATE cooperation_offer_sectors AS k SET item = coop_offer_item(o)
FROM cooperation_offers AS o WHERE o.id = k.offer_id;
UPDATE cooperation_offer_origins AS k SET item = coop_offer_item(o)
FROM cooperation_offers AS o WHERE o.id = k.offer_id;
ALTER TABLE cooperation_offer_sectors ALTER COLUMN item SET NOT NULL;
ALTER TABLE cooperation_offer_origins ALTER COLUMN item SET NOT NULL;

-- Any change of an offer changes its item: its rows are rewritten on every update.
DROP TRIGGER cooperation_offer_sectors_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_sectors_sync
    AFTER DELETE OR UPDATE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_sectors_sync();
DROP TRIGGER cooperation_offer_origins_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_origins_sync
    AFTER DELETE OR UPDATE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_origins_sync();

-- A page of a sector's, or a company country's, listed offers as items, with the keys of the
-- page's cursor; one statement per direction, forced generic, as
-- `cooperation_offer_items_in_market`.
CREATE FUNCTION cooperation_offer_items_in_sector(
    p_sector text, p_today date, p_descending boolean,
    p_after_at timestamptz, p_after_id uuid, p_limit integer)
RETURNS TABLE (created_at timestamptz, id uuid, item text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    after_at timestamptz := coalesce(p_after_at,
        CASE WHEN p_descending THEN 'infinity'::timestamptz ELSE '-infinity' END);
    after_id uuid := coalesce(p_after_id, '00000000-0000-0000-0000-000000000000');
BEGIN
    IF p_descending THEN
        RETURN QUERY SELECT k.created_at, k.offer_id, k.item
            FROM cooperation_offer_sectors AS k
            WHERE k.sector = p_sector AND coop_offer_unexpired(k.valid_until, p_today)
              AND (k.created_at, k.offer_id) < (after_at, after_id)
            ORDER BY k.created_at DESC, k.offer_id DESC
            LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT k.created_at, k.offer_id, k.item
            FROM cooperation_offer_sectors AS k
            WHERE k.sector = p_sector AND coop_offer_unexpired(k.valid_until, p_today)
              AND (k.created_at, k.offer_id) > (after_at, after_id)
            ORDER BY k.created_at ASC, k.offer_id ASC
            LIMIT p_limit;
    END IF;
END $$;

CREATE FUNCTION cooperation_offer_items_from_country(
    p_country text, p_today date, p_descending boolean,
    p_after_at timestamptz, p_after_id uuid, p_limit integer)
RETURNS TABLE (created_at timestamptz, id uuid, item text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    after_at timestamptz := coalesce(p_after_at,
        CASE WHEN p_descending THEN 'infinity'::timestamptz ELSE '-infinity' END);
    after_id uuid := coalesce(p_after_id, '00000000-0000-0000-0000-000000000000');
BEGIN
    IF p_descending THEN
        RETURN QUERY SELECT k.created_at, k.offer_id, k.item
            FROM cooperation_offer_origins AS k
            WHERE k.company_country = p_country AND coop_offer_unexpired(k.valid_until, p_today)
              AND (k.created_at, k.offer_id) < (after_at, after_id)
            ORDER BY k.created_at DESC, k.offer_id DESC
            LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT k.created_at, k.offer_id, k.item
            FROM cooperation_offer_origins AS k
            WHERE k.company_country = p_country AND coop_offer_unexpired(k.valid_until, p_today)
              AND (k.created_at, k.offer_id) > (after_at, after_id)
            ORDER BY k.created_at ASC, k.offer_id ASC
            LIMIT p_limit;
    END IF;
END $$;
