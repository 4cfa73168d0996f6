DROP FUNCTION cooperation_offers_in_market;

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
              AND coop_offer_unexpired(m.valid_until, p_today)
            ORDER BY m.created_at DESC, m.offer_id DESC
            LIMIT p_limit;
    ELSIF p_descending THEN
        RETURN QUERY SELECT o.* FROM cooperation_offer_markets AS m
            JOIN cooperation_offers AS o ON o.id = m.offer_id
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND coop_offer_unexpired(m.valid_until, p_today)
              AND (m.created_at, m.offer_id) < (p_after_at, p_after_id)
            ORDER BY m.created_at DESC, m.offer_id DESC
            LIMIT p_limit;
    ELSIF p_after_at IS NULL THEN
        RETURN QUERY SELECT o.* FROM cooperation_offer_markets AS m
            JOIN cooperation_offers AS o ON o.id = m.offer_id
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND coop_offer_unexpired(m.valid_until, p_today)
            ORDER BY m.created_at ASC, m.offer_id ASC
            LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT o.* FROM cooperation_offer_markets AS m
            JOIN cooperation_offers AS o ON o.id = m.offer_id
            WHERE m.sector = p_sector AND m.target_country = p_country
              AND coop_offer_unexpired(m.valid_until, p_today)
              AND (m.created_at, m.offer_id) > (p_after_at, p_after_id)
            ORDER BY m.created_at ASC, m.offer_id ASC
            LIMIT p_limit;
    END IF;
END $$;
