-- The rows of the honest ceiling: what the API serves of each offer (no search text, no
-- search vectors), keyed by an integer the client passes as a parameter. Made once per data
-- set, before the measurements.
DROP TABLE IF EXISTS bench_offer_copy;
CREATE TABLE bench_offer_copy AS
SELECT row_number() OVER (ORDER BY id) AS n,
       id, company_id, kind, cooperation_types, title, summary, description, sectors,
       target_countries, language, status, published_at, valid_until, event_id, created_at,
       updated_at, external_id
FROM cooperation_offers;
ALTER TABLE bench_offer_copy ADD PRIMARY KEY (n);
VACUUM ANALYZE bench_offer_copy;
