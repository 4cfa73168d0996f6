-- The page GET /cooperation-offers?sector=S&limit=20 serves (21 rows), its API columns, as one
-- prepared statement over the sector index, for a random sector from the pool of
-- bench/lua/common.lua. What PostgreSQL alone spends on the page, with no service in between.
\set s random(1, 33)
SELECT o.id, o.company_id, o.kind, o.cooperation_types, o.title, o.summary, o.description,
       o.sectors, o.target_countries, o.language, o.status, o.published_at, o.valid_until,
       o.event_id, o.created_at, o.updated_at, o.external_id
FROM cooperation_offer_sectors AS k
JOIN cooperation_offers AS o ON o.id = k.offer_id
WHERE k.sector = (ARRAY['aerospace', 'agrifood', 'ai', 'automotive', 'big-data', 'biotech',
        'construction', 'consulting', 'creative', 'cybersecurity', 'e-commerce', 'education',
        'energy', 'environment', 'finance', 'franchising', 'government', 'healthcare',
        'investment', 'it', 'logistics', 'manufacturing', 'medtech', 'mobility', 'pharma',
        'real-estate', 'research', 'retail', 'smart-city', 'telecom', 'tourism', 'transport',
        'vr-ar'])[:s]
  AND (k.valid_until IS NULL OR k.valid_until >= current_date)
ORDER BY k.created_at DESC, k.offer_id DESC
LIMIT 21;
