-- The market list's own ceiling: the page GET /cooperation-offers?sector=S&target_country=C
-- &limit=20 serves (21 rows: one more tells whether a next page exists), its API columns, as
-- one prepared statement over the market index, for a random market from the pools of
-- bench/lua/common.lua. What PostgreSQL alone spends on the page, with no service in between.
\set s random(1, 33)
\set c random(1, 27)
SELECT o.id, o.company_id, o.kind, o.cooperation_types, o.title, o.summary, o.description,
       o.sectors, o.target_countries, o.language, o.status, o.published_at, o.valid_until,
       o.event_id, o.created_at, o.updated_at, o.external_id
FROM cooperation_offer_markets AS m
JOIN cooperation_offers AS o ON o.id = m.offer_id
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
