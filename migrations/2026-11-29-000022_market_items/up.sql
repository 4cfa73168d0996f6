-- Each market row carries its offer's JSON as the list serves it, so that a page of a market
-- is read off the market's index alone and passed through by the service, instead of each
-- offer being fetched, decoded and serialised again for every page.

-- A time as the service's serialiser writes it: UTC, 0, 3 or 6 decimals as needed, `Z`.
-- One expression with no FROM, so that PostgreSQL inlines it into the statements that call
-- it; a function it cannot inline is planned on every insert's statement, which costs creates
-- 10-15%.
CREATE FUNCTION coop_json_time(at timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce('"' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
    || CASE WHEN extract(microseconds FROM at AT TIME ZONE 'UTC')::bigint % 1000000 = 0 THEN ''
            WHEN extract(microseconds FROM at AT TIME ZONE 'UTC')::bigint % 1000 = 0
                THEN '.' || lpad((extract(microseconds FROM at AT TIME ZONE 'UTC')::bigint
                                  % 1000000 / 1000)::text, 3, '0')
            ELSE '.' || lpad((extract(microseconds FROM at AT TIME ZONE 'UTC')::bigint
                              % 1000000)::text, 6, '0') END
    || 'Z"', 'null');

-- An offer as its representation in the API: the fields in the order, and with the formats,
-- that the service's serialiser writes (texts escaped as JSON, times as above). The status is
-- the stored one; the lists that serve these hold listed offers only, which read as
-- `published`. A test compares each item with the offer read by id, byte for byte.
CREATE FUNCTION coop_offer_item(o cooperation_offers) RETURNS text
LANGUAGE sql STABLE
RETURN '{"id":"' || o.id
    || '","company_id":"' || o.company_id
    || '","kind":' || to_json(o.kind)
    || ',"cooperation_types":' || to_json(o.cooperation_types)
    || ',"title":' || to_json(o.title)
    || ',"summary":' || coalesce(to_json(o.summary)::text, 'null')
    || ',"description":' || coalesce(to_json(o.description)::text, 'null')
    || ',"sectors":' || to_json(o.sectors)
    || ',"target_countries":' || to_json(o.target_countries)
    || ',"language":' || coalesce(to_json(o.language)::text, 'null')
    || ',"status":' || to_json(o.status)
    || ',"published_at":' || coop_json_time(o.published_at)
    || ',"valid_until":' || coalesce('"' || to_char(o.valid_until, 'YYYY-MM-DD') || '"', 'null')
    || ',"event_id":' || coalesce('"' || o.event_id || '"', 'null')
    || ',"external_id":' || coalesce(to_json(o.external_id)::text, 'null')
    || ',"created_at":' || coop_json_time(o.created_at)
    || ',"updated_at":' || coop_json_time(o.updated_at)
    || '}';

ALTER TABLE cooperation_offer_markets ADD COLUMN item text;

CREATE OR REPLACE FUNCTION cooperation_offer_market_rows(o cooperation_offers)
RETURNS SETOF cooperation_offer_markets LANGUAGE sql STABLE AS $$
    SELECT s, t, o.created_at, o.id, o.valid_until, o.kind, o.company_id, o.sectors,
           o.cooperation_types, o.target_countries, coop_offer_item(o)
    FROM unnest(o.sectors) AS s, unnest(o.target_countries) AS t
    WHERE o.status = 'published'
$$;

UPDATE cooperation_offer_markets AS m SET item = coop_offer_item(o)
FROM cooperation_offers AS o WHERE o.id = m.offer_id;
ALTER TABLE cooperation_offer_markets ALTER COLUMN item SET NOT NULL;

-- Any change of an offer changes its item: the market rows are rewritten on every update,
-- not only when the offer moves between markets.
DROP TRIGGER cooperation_offer_markets_sync ON cooperation_offers;
CREATE TRIGGER cooperation_offer_markets_sync
    AFTER DELETE OR UPDATE ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_markets_sync();

-- A page of a market's listed offers as items, with the keys of the page's cursor. With no
-- cursor it starts at the end of the order (±infinity), so one statement serves each
-- direction; forced generic, as the other list functions.
CREATE FUNCTION cooperation_offer_items_in_market(
    p_sector text, p_country text, p_today date, p_descending boolean,
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
        RETURN QUERY SELECT m.created_at, m.offer_id, m.item
            FROM cooperation_offer_markets AS m
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND coop_offer_unexpired(m.valid_until, p_today)
              AND (m.created_at, m.offer_id) < (after_at, after_id)
            ORDER BY m.created_at DESC, m.offer_id DESC
            LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT m.created_at, m.offer_id, m.item
            FROM cooperation_offer_markets AS m
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND coop_offer_unexpired(m.valid_until, p_today)
              AND (m.created_at, m.offer_id) > (after_at, after_id)
            ORDER BY m.created_at ASC, m.offer_id ASC
            LIMIT p_limit;
    END IF;
END $$;
