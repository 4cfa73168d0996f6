DROP TRIGGER cooperation_offer_markets_sync ON cooperation_offers;
DROP TABLE cooperation_offer_markets;
CREATE TABLE cooperation_offer_markets (
    sector         text NOT NULL,
    target_country text NOT NULL,
    created_at     timestamptz NOT NULL,
    offer_id       uuid NOT NULL,
    valid_until    date
);

CREATE OR REPLACE FUNCTION cooperation_offer_markets_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE INDEX cooperation_offer_markets_idx
    ON cooperation_offer_markets (sector, target_country, created_at, offer_id);
CREATE INDEX cooperation_offer_markets_offer_idx ON cooperation_offer_markets (offer_id);
