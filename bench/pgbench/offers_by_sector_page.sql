-- The sector list's own ceiling: the page GET /cooperation-offers?sector=S&limit=20 serves
-- (21 items: one more tells whether a next page exists), as the service reads it: each
-- offer's ready JSON and the keys of its cursor, off the sector's own rows, as one prepared
-- statement, for a random sector from the pool of bench/lua/common.lua. What PostgreSQL alone
-- spends on the page, with no service in between.
\set s random(1, 33)
SELECT k.created_at, k.offer_id, k.item
FROM cooperation_offer_sectors AS k
WHERE k.sector = (ARRAY['aerospace', 'agrifood', 'ai', 'automotive', 'big-data', 'biotech',
        'construction', 'consulting', 'creative', 'cybersecurity', 'e-commerce', 'education',
        'energy', 'environment', 'finance', 'franchising', 'government', 'healthcare',
        'investment', 'it', 'logistics', 'manufacturing', 'medtech', 'mobility', 'pharma',
        'real-estate', 'research', 'retail', 'smart-city', 'telecom', 'tourism', 'transport',
        'vr-ar'])[:s]
  AND (k.valid_until IS NULL OR k.valid_until >= current_date)
ORDER BY k.created_at DESC, k.offer_id DESC
LIMIT 21;
