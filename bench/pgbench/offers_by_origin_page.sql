-- The page GET /cooperation-offers?company_country=C&limit=20 serves (21 rows), its API
-- columns, as one prepared statement over the origin index, for a random country from the
-- pool of bench/lua/common.lua. What PostgreSQL alone spends on the page, with no service in
-- between.
\set c random(1, 27)
SELECT o.id, o.company_id, o.kind, o.cooperation_types, o.title, o.summary, o.description,
       o.sectors, o.target_countries, o.language, o.status, o.published_at, o.valid_until,
       o.event_id, o.created_at, o.updated_at, o.external_id
FROM cooperation_offer_origins AS k
JOIN cooperation_offers AS o ON o.id = k.offer_id
WHERE k.company_country = (ARRAY['RU', 'FR', 'DE', 'IT', 'KR', 'US', 'GB', 'ES', 'NL', 'BE',
        'CH', 'AT', 'PL', 'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ', 'IL',
        'CA', 'BR'])[:c]
  AND (k.valid_until IS NULL OR k.valid_until >= current_date)
ORDER BY k.created_at DESC, k.offer_id DESC
LIMIT 21;
