DROP FUNCTION cooperation_offers_in_market;
DROP TRIGGER cooperation_offer_markets_sync ON cooperation_offers;
DROP FUNCTION cooperation_offer_markets_sync();
DROP TABLE cooperation_offer_markets;
