-- The speaker list's own ceiling: the page GET /speakers?country=C&limit=20 serves (21 rows,
-- its API columns) as one prepared statement, for a random country of bench/lua/common.lua.
\set c random(1, 27)
SELECT id, full_name, native_name, position, company_id, country, bio, links, email, phone,
       sort_name, created_at, updated_at, external_id
FROM speakers
WHERE country = (ARRAY['RU', 'FR', 'DE', 'IT', 'KR', 'US', 'GB', 'ES', 'NL', 'BE', 'CH', 'AT', 'PL',
        'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ', 'IL', 'CA', 'BR'])[:c]
ORDER BY sort_name, id
LIMIT 21;
