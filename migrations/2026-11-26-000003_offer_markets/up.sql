-- The markets of the listed offers: one row per (sector, target country) pair of every
-- published offer, kept by a trigger. `GET /cooperation-offers?sector=..&target_country=..`
-- reads the newest matches straight off its index; with the arrays' GIN indexes alone,
-- PostgreSQL had to walk the offers newest first and discard ~98% of them (or sort every
-- match), which grew with the table.
CREATE TABLE cooperation_offer_markets (
    sector         text NOT NULL,
    target_country text NOT NULL,
    created_at     timestamptz NOT NULL,
    offer_id       uuid NOT NULL,
    -- Copied so that expired offers are skipped without visiting them.
    valid_until    date
);
CREATE INDEX cooperation_offer_markets_idx
    ON cooperation_offer_markets (sector, target_country, created_at, offer_id);
CREATE INDEX cooperation_offer_markets_offer_idx ON cooperation_offer_markets (offer_id);

CREATE FUNCTION cooperation_offer_markets_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM cooperation_offer_markets WHERE offer_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        INSERT INTO cooperation_offer_markets (sector, target_country, created_at, offer_id, valid_until)
        SELECT s, t, NEW.created_at, NEW.id, NEW.valid_until
        FROM unnest(NEW.sectors) AS s, unnest(NEW.target_countries) AS t;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cooperation_offer_markets_sync
    AFTER INSERT OR DELETE OR UPDATE OF status, sectors, target_countries, valid_until, created_at
    ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_markets_sync();

INSERT INTO cooperation_offer_markets (sector, target_country, created_at, offer_id, valid_until)
SELECT s, t, o.created_at, o.id, o.valid_until
FROM cooperation_offers AS o, unnest(o.sectors) AS s, unnest(o.target_countries) AS t
WHERE o.status = 'published';

-- Listed offers of one market, newest (or oldest) first, after an optional keyset position.
-- The service calls this for the plain market question instead of sending the query itself:
-- PostgreSQL keeps a custom plan for that prepared statement (the estimates of a popular
-- market make it look cheaper than the generic one), and planning the join cost twice as
-- much as running it. Inside PL/pgSQL the statements are prepared once per connection, and
-- forced generic: the plan (the market index in order, then each offer by id) is right for
-- every market.
CREATE FUNCTION cooperation_offers_in_market(
    p_sector text, p_country text, p_today date, p_descending boolean,
    p_after_at timestamptz, p_after_id uuid, p_limit integer)
RETURNS SETOF cooperation_offers
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    IF p_descending AND p_after_at IS NULL THEN
        RETURN QUERY SELECT o.* FROM cooperation_offer_markets AS m
            JOIN cooperation_offers AS o ON o.id = m.offer_id
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND (m.valid_until IS NULL OR m.valid_until >= p_today)
            ORDER BY m.created_at DESC, m.offer_id DESC
            LIMIT p_limit;
    ELSIF p_descending THEN
        RETURN QUERY SELECT o.* FROM cooperation_offer_markets AS m
            JOIN cooperation_offers AS o ON o.id = m.offer_id
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND (m.valid_until IS NULL OR m.valid_until >= p_today)
              AND (m.created_at, m.offer_id) < (p_after_at, p_after_id)
            ORDER BY m.created_at DESC, m.offer_id DESC
            LIMIT p_limit;
    ELSIF p_after_at IS NULL THEN
        RETURN QUERY SELECT o.* FROM cooperation_offer_markets AS m
            JOIN cooperation_offers AS o ON o.id = m.offer_id
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND (m.valid_until IS NULL OR m.valid_until >= p_today)
            ORDER BY m.created_at ASC, m.offer_id ASC
            LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT o.* FROM cooperation_offer_markets AS m
            JOIN cooperation_offers AS o ON o.id = m.offer_id
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND (m.valid_until IS NULL OR m.valid_until >= p_today)
              AND (m.created_at, m.offer_id) > (p_after_at, p_after_id)
            ORDER BY m.created_at ASC, m.offer_id ASC
            LIMIT p_limit;
    END IF;
END $$;
