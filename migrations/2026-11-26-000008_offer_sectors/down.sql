CREATE INDEX cooperation_offers_listed_kind_sectors_idx ON cooperation_offers
    USING gin (kind, sectors) WHERE status = 'published';
DROP TRIGGER cooperation_offer_sectors_sync ON cooperation_offers;
DROP FUNCTION cooperation_offer_sectors_sync();
DROP TABLE cooperation_offer_sectors;
