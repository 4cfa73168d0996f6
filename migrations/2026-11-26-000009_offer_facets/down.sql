DROP INDEX cooperation_offers_listed_facets_idx;
DROP TRIGGER cooperation_offer_sectors_sync ON cooperation_offers;
DROP TABLE cooperation_offer_sectors;
CREATE TABLE cooperation_offer_sectors (
    sector      text NOT NULL,
    created_at  timestamptz NOT NULL,
    offer_id    uuid NOT NULL,
    kind        text NOT NULL,
    company_id  uuid NOT NULL,
    valid_until date
);
CREATE OR REPLACE FUNCTION cooperation_offer_sectors_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM cooperation_offer_sectors WHERE offer_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        INSERT INTO cooperation_offer_sectors (sector, created_at, offer_id, kind, company_id, valid_until)
        SELECT s, NEW.created_at, NEW.id, NEW.kind, NEW.company_id, NEW.valid_until
        FROM unnest(NEW.sectors) AS s;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cooperation_offer_sectors_sync
    AFTER INSERT OR DELETE OR UPDATE OF status, sectors, kind, company_id, valid_until, created_at
    ON cooperation_offers
    FOR EACH ROW EXECUTE FUNCTION cooperation_offer_sectors_sync();
INSERT INTO cooperation_offer_sectors (sector, created_at, offer_id, kind, company_id, valid_until)
SELECT s, o.created_at, o.id, o.kind, o.company_id, o.valid_until
FROM cooperation_offers AS o, unnest(o.sectors) AS s
WHERE o.status = 'published';
CREATE INDEX cooperation_offer_sectors_idx ON cooperation_offer_sectors
    (sector, created_at DESC, offer_id DESC) INCLUDE (kind, company_id, valid_until);
CREATE INDEX cooperation_offer_sectors_offer_idx ON cooperation_offer_sectors (offer_id);
DROP TRIGGER cooperation_offer_counts_company_sync ON companies;
DROP FUNCTION cooperation_offer_counts_company_sync();
DROP TRIGGER cooperation_offer_counts_sync_update ON cooperation_offers;
DROP TRIGGER cooperation_offer_counts_sync ON cooperation_offers;
DROP FUNCTION cooperation_offer_counts_sync();
DROP FUNCTION cooperation_offer_counts_fold(date);
DROP FUNCTION cooperation_offer_facet_values(text, text[], text[], text[], uuid);
DROP TABLE cooperation_offer_count_changes;
DROP TABLE cooperation_offer_counts;
