-- The company list's own ceiling: the page GET /companies?country=C&limit=20 serves (21
-- rows), as the service reads it: each company's ready JSON and the keys of its cursor, as one
-- prepared statement, for a random country of bench/lua/common.lua.
\set c random(1, 27)
SELECT id, sort_name, created_at, updated_at, item
FROM companies
WHERE country = (ARRAY['RU', 'FR', 'DE', 'IT', 'KR', 'US', 'GB', 'ES', 'NL', 'BE', 'CH', 'AT', 'PL',
        'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ', 'IL', 'CA', 'BR'])[:c]
ORDER BY sort_name, id
LIMIT 21;
