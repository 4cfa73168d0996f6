-- The market list's own ceiling: the page GET /cooperation-offers?sector=S&target_country=C
-- &limit=20 serves (21 items: one more tells whether a next page exists), as the service reads
-- it: each offer's ready JSON and the keys of its cursor, off the market's own rows, as one
-- prepared statement, for a random market from the pools of bench/lua/common.lua. What
-- PostgreSQL alone spends on the page, with no service in between.
\set s random(1, 33)
\set c random(1, 27)
SELECT m.created_at, m.offer_id, m.item
FROM cooperation_offer_markets AS m
WHERE m.sector = (ARRAY['aerospace', 'agrifood', 'ai', 'automotive', 'big-data', 'biotech',
        'construction', 'consulting', 'creative', 'cybersecurity', 'e-commerce', 'education',
        'energy', 'environment', 'finance', 'franchising', 'government', 'healthcare',
        'investment', 'it', 'logistics', 'manufacturing', 'medtech', 'mobility', 'pharma',
        'real-estate', 'research', 'retail', 'smart-city', 'telecom', 'tourism', 'transport',
        'vr-ar'])[:s]
  AND m.target_country = (ARRAY['RU', 'FR', 'DE', 'IT', 'KR', 'US', 'GB', 'ES', 'NL', 'BE',
        'CH', 'AT', 'PL', 'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ', 'IL',
        'CA', 'BR'])[:c]
  AND (m.valid_until IS NULL OR m.valid_until >= current_date)
ORDER BY m.created_at DESC, m.offer_id DESC
LIMIT 21;
