-- The event list's own ceiling: the page GET /events?country=C&limit=20 serves (21 rows, its
-- API columns, drafts left out) as one prepared statement over event_places, for a random
-- country of bench/lua/common.lua.
\set c random(1, 27)
SELECT e.id, e.title, e.description, e.kind, e.format, e.status, e.starts_at, e.ends_at,
       e.timezone, e.languages, e.sectors, e.created_at, e.updated_at, e.external_id
FROM events AS e
JOIN event_places AS p ON p.event_id = e.id
WHERE p.country = (ARRAY['RU', 'FR', 'DE', 'IT', 'KR', 'US', 'GB', 'ES', 'NL', 'BE', 'CH', 'AT', 'PL',
        'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ', 'IL', 'CA', 'BR'])[:c] AND e.status <> 'draft'
ORDER BY p.starts_at, p.event_id
LIMIT 21;
