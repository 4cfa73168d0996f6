-- The company-country list's own ceiling: the page GET /cooperation-offers?company_country=C
-- &limit=20 serves (21 items: one more tells whether a next page exists), as the service reads
-- it: each offer's ready JSON and the keys of its cursor, off the country's own rows, as one
-- prepared statement, for a random country from the pool of bench/lua/common.lua. What
-- PostgreSQL alone spends on the page, with no service in between.
\set c random(1, 27)
SELECT k.created_at, k.offer_id, k.item
FROM cooperation_offer_origins AS k
WHERE k.company_country = (ARRAY['RU', 'FR', 'DE', 'IT', 'KR', 'US', 'GB', 'ES', 'NL', 'BE',
        'CH', 'AT', 'PL', 'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ', 'IL',
        'CA', 'BR'])[:c]
  AND (k.valid_until IS NULL OR k.valid_until >= current_date)
ORDER BY k.created_at DESC, k.offer_id DESC
LIMIT 21;
