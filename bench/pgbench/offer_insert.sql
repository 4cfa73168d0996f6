-- What POST /cooperation-offers asks of PostgreSQL, done by PostgreSQL alone: the same row as
-- bench/lua/create_offer.lua sends (a random generated company, one random sector and target
-- country), with the folded search texts the service derives, inserted in one prepared
-- statement that commits on its own and returns the API's columns. Every trigger runs as for
-- the API: the change log, the counts, the market, sector and origin rows. The id is
-- time-ordered like the service's UUIDv7, so the primary key grows at its right edge as it
-- does under the API.
\set company random(1, :companies)
\set sector random(1, 33)
\set country random(1, 27)
\set n random(1, 1000000000)
INSERT INTO cooperation_offers (id, company_id, kind, cooperation_types, title, summary,
    sectors, target_countries, language, status, published_at, created_at, updated_at,
    search_text, search_body)
SELECT (substr(t, 1, 8) || '-' || substr(t, 9, 4) || substr(gen_random_uuid()::text, 14))::uuid,
       ('01900000-0001-7000-8000-' || lpad(to_hex(:company::bigint), 12, '0'))::uuid,
       'technology_offer', '{licensing,distribution}', 'Exoskeleton licensing offer ' || :n,
       'Rehabilitation exoskeletons for clinics',
       ARRAY[(ARRAY['aerospace', 'agrifood', 'ai', 'automotive', 'big-data', 'biotech',
                    'construction', 'consulting', 'creative', 'cybersecurity', 'e-commerce',
                    'education', 'energy', 'environment', 'finance', 'franchising',
                    'government', 'healthcare', 'investment', 'it', 'logistics',
                    'manufacturing', 'medtech', 'mobility', 'pharma', 'real-estate',
                    'research', 'retail', 'smart-city', 'telecom', 'tourism', 'transport',
                    'vr-ar'])[:sector]],
       ARRAY[(ARRAY['RU', 'FR', 'DE', 'IT', 'KR', 'US', 'GB', 'ES', 'NL', 'BE', 'CH', 'AT', 'PL',
                    'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ', 'IL', 'CA',
                    'BR'])[:country]],
       'en', 'published', now(), now(), now(),
       'exoskeleton licensing offer ' || :n, 'rehabilitation exoskeletons for clinics'
FROM (SELECT lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')) AS ms (t)
RETURNING id, company_id, kind, cooperation_types, title, summary, description, sectors,
    target_countries, language, status, published_at, valid_until, event_id, created_at,
    updated_at, external_id;
