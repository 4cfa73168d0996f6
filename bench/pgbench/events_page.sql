-- The event list's own ceiling: the page GET /events?country=C&limit=20 serves (21 rows,
-- drafts left out), as the service reads it: each event's ready JSON and the keys of its
-- cursor, as one prepared statement over event_places, for a random country of
-- bench/lua/common.lua.
\set c random(1, 27)
SELECT e.id, e.starts_at, e.updated_at, e.item
FROM events AS e
JOIN event_places AS p ON p.event_id = e.id
WHERE p.country = (ARRAY['RU', 'FR', 'DE', 'IT', 'KR', 'US', 'GB', 'ES', 'NL', 'BE', 'CH', 'AT', 'PL',
        'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ', 'IL', 'CA', 'BR'])[:c] AND e.status <> 'draft'
ORDER BY p.starts_at, p.event_id
LIMIT 21;
