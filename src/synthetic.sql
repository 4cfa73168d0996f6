-- The synthetic dataset of `coopapi generate`, in set-based SQL so 100,000 offers load in
-- seconds. Deterministic: every value comes from hashint8extended(row number, seed), never
-- from random(), so one seed gives the same rows whatever the plan or the parallelism.
--
-- The Rust side replaces the placeholders (seed and row counts, all integers) and runs the
-- steps one by one. Ids are version-7 shaped UUIDs that encode a table tag and the row
-- number: 01900000-<tag>-7000-8000-<n>; the benchmark derives random ids from them the
-- same way, so it needs no id lists. Rows that exist already are kept (ON CONFLICT DO
-- NOTHING), so running again with a larger count only adds the difference.

-- step: helpers
CREATE FUNCTION pg_temp.r(salt bigint, n bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN abs(hashint8extended(n, {seed}::bigint * 1000 + salt));

-- Row n was created about `step` seconds after row n - 1, as rows arrive in a live service
-- (so creation order, id order and the physical order of the table agree).
CREATE FUNCTION pg_temp.created(start timestamptz, step int, n bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN start + make_interval(secs => (n * step + pg_temp.r(step, n) % step)::double precision);

CREATE FUNCTION pg_temp.uid(tag int, n bigint) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ('01900000-' || lpad(to_hex(tag), 4, '0') || '-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid;

CREATE FUNCTION pg_temp.pick(options text[], salt bigint, n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN options[1 + pg_temp.r(salt, n) % cardinality(options)];

-- Up to `most` distinct picks (at least one), in a stable order.
CREATE FUNCTION pg_temp.picks(options text[], most int, salt bigint, n bigint) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT DISTINCT options[1 + pg_temp.r(salt * 10 + k, n) % cardinality(options)]
        FROM generate_series(0, pg_temp.r(salt, n) % most) AS k
        ORDER BY 1
    );

-- city | country | time zone; repeated entries weight the draw towards Russia and France,
-- as on the Moscow chamber's marketplace.
CREATE FUNCTION pg_temp.places() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN ARRAY[
    'Moscow|RU|Europe/Moscow', 'Moscow|RU|Europe/Moscow', 'Moscow|RU|Europe/Moscow',
    'Moscow|RU|Europe/Moscow', 'Saint Petersburg|RU|Europe/Moscow', 'Kazan|RU|Europe/Moscow',
    'Novosibirsk|RU|Asia/Novosibirsk', 'Yekaterinburg|RU|Asia/Yekaterinburg',
    'Paris|FR|Europe/Paris', 'Paris|FR|Europe/Paris', 'Paris|FR|Europe/Paris',
    'Lyon|FR|Europe/Paris', 'Toulouse|FR|Europe/Paris', 'Nice|FR|Europe/Paris',
    'Strasbourg|FR|Europe/Paris', 'Berlin|DE|Europe/Berlin', 'Munich|DE|Europe/Berlin',
    'Milan|IT|Europe/Rome', 'Rome|IT|Europe/Rome', 'Seoul|KR|Asia/Seoul',
    'New York|US|America/New_York', 'San Francisco|US|America/Los_Angeles',
    'London|GB|Europe/London', 'Madrid|ES|Europe/Madrid', 'Barcelona|ES|Europe/Madrid',
    'Amsterdam|NL|Europe/Amsterdam', 'Brussels|BE|Europe/Brussels', 'Geneva|CH|Europe/Zurich',
    'Vienna|AT|Europe/Vienna', 'Warsaw|PL|Europe/Warsaw', 'Helsinki|FI|Europe/Helsinki',
    'Stockholm|SE|Europe/Stockholm', 'Istanbul|TR|Europe/Istanbul', 'Dubai|AE|Asia/Dubai',
    'Bangalore|IN|Asia/Kolkata', 'Tokyo|JP|Asia/Tokyo', 'Shanghai|CN|Asia/Shanghai',
    'Almaty|KZ|Asia/Almaty', 'Minsk|BY|Europe/Minsk', 'Yerevan|AM|Asia/Yerevan',
    'Tashkent|UZ|Asia/Tashkent', 'Tel Aviv|IL|Asia/Jerusalem', 'Montreal|CA|America/Toronto',
    'Sao Paulo|BR|America/Sao_Paulo'
];

CREATE FUNCTION pg_temp.countries() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN ARRAY[
    'RU', 'RU', 'RU', 'FR', 'FR', 'FR', 'DE', 'DE', 'IT', 'IT', 'KR', 'US', 'GB', 'ES', 'NL',
    'BE', 'CH', 'AT', 'PL', 'FI', 'SE', 'TR', 'AE', 'IN', 'JP', 'CN', 'KZ', 'BY', 'AM', 'UZ',
    'IL', 'CA', 'BR'
];

CREATE FUNCTION pg_temp.sectors() RETURNS text[] LANGUAGE sql IMMUTABLE
    RETURN ARRAY(SELECT code FROM sectors ORDER BY code);

CREATE FUNCTION pg_temp.words() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN ARRAY[
    'digital', 'platform', 'medical', 'exoskeleton', 'rehabilitation', 'city', 'services',
    'analytics', 'sensors', 'logistics', 'energy', 'efficiency', 'software', 'telemedicine',
    'diagnostics', 'robotics', 'drones', 'payments', 'cloud', 'security', 'education',
    'training', 'tourism', 'guides', 'sharing', 'mobility', 'construction', 'modular',
    'housing', 'water', 'recycling', 'agritech', 'food', 'pharmacy', 'biotech', 'vaccines',
    'imaging', 'telecom', 'networks', 'retail', 'franchise', 'catalogue', 'virtual',
    'exhibition', 'laboratory', 'materials', 'batteries', 'solar', 'hydrogen', 'aviation'
];

CREATE FUNCTION pg_temp.sentence(n bigint, salt bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN pg_temp.pick(ARRAY[
        'We develop %s solutions for %s and %s.',
        'Our team has ten years of experience in %s, %s and %s.',
        'The product is certified in the European Union and used by %s, %s and %s operators.',
        'We look for partners in %s with a network in %s and %s.',
        'Pilot projects are running in three cities with a focus on %s, %s and %s.',
        'The company exports %s equipment and offers %s and %s services.',
        'Joint research with universities covers %s, %s and %s.',
        'Investment will finance %s production, %s and %s.'
    ], salt, n);

CREATE FUNCTION pg_temp.paragraph(n bigint, salt bigint, sentences bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
        SELECT string_agg(format(pg_temp.sentence(n, salt + k),
                   pg_temp.pick(pg_temp.words(), salt + 100 + k, n),
                   pg_temp.pick(pg_temp.words(), salt + 200 + k, n),
                   pg_temp.pick(pg_temp.words(), salt + 300 + k, n)), ' ' ORDER BY k)
        FROM generate_series(1, 1 + sentences) AS k
    );

-- Bulk loads drop a table's secondary indexes and build them again afterwards: building an
-- index from sorted rows is several times faster than growing it row by row. Each step runs
-- as one transaction, so a failed load leaves the indexes as they were.
CREATE TEMP TABLE gen_indexes (tbl regclass, def text);

CREATE FUNCTION pg_temp.drop_indexes(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    idx record;
BEGIN
    FOR idx IN
        SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index AS i
        WHERE i.indrelid = tbl
          AND NOT EXISTS (SELECT FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)
    LOOP
        INSERT INTO gen_indexes VALUES (tbl, idx.def);
        EXECUTE format('DROP INDEX %s', idx.name);
    END LOOP;
END $$;

CREATE FUNCTION pg_temp.restore_indexes(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    idx record;
BEGIN
    FOR idx IN DELETE FROM gen_indexes AS g WHERE g.tbl = restore_indexes.tbl RETURNING def LOOP
        EXECUTE idx.def;
    END LOOP;
END $$;

SET maintenance_work_mem = '256MB';

-- Pools of drawn values (paragraphs, sector sets, country sets...), built once: rows then
-- pick from them by hash through a hash join, which is far cheaper than composing text and
-- sets for every one of a million rows.
CREATE TEMP TABLE gen_pool (kind text, i int, body text, list text[], PRIMARY KEY (kind, i));
INSERT INTO gen_pool
SELECT 'paragraph' || s, i, pg_temp.paragraph(i, 300 + s, s), NULL
FROM generate_series(0, 3) AS s, generate_series(0, 4095) AS i;
INSERT INTO gen_pool
SELECT kind, i, NULL, CASE kind
           WHEN 'sectors' THEN pg_temp.picks(pg_temp.sectors(), 3, 400, i)
           WHEN 'countries' THEN pg_temp.picks(pg_temp.countries(), 4, 401, i)
           ELSE pg_temp.picks(ARRAY['commercial_agreement', 'distribution', 'franchise',
               'joint_venture', 'licensing', 'subcontracting', 'supply', 'investment',
               'research_cooperation', 'technical_cooperation', 'acquisition'], 2, 402, i) END
FROM unnest(ARRAY['sectors', 'countries', 'cooperation_types']) AS kind,
     generate_series(0, 4095) AS i;
ANALYZE gen_pool;

-- The pooled value of `kind` for row n.
CREATE FUNCTION pg_temp.slot(salt bigint, n bigint) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (pg_temp.r(salt, n) % 4096)::int;

-- step: companies
INSERT INTO companies (id, name, kind, country, city, website, description, sectors,
                       sort_name, search_text, search_body, created_at, updated_at)
SELECT pg_temp.uid(1, n), name, kind, split_part(place, '|', 2), split_part(place, '|', 1),
       'https://' || replace(lower(name), ' ', '-') || '.example', description, sectors,
       lower(name), lower(name), lower(split_part(place, '|', 1) || ' ' || description),
       created_at, created_at
FROM (
    SELECT n,
           initcap(pg_temp.pick(ARRAY['nova', 'tech', 'medi', 'geo', 'aero', 'smart', 'bio',
                   'info', 'neuro', 'eco', 'urban', 'data', 'robo', 'cyber', 'agro', 'volga',
                   'neva', 'ural', 'seine', 'loire', 'alpha', 'sigma', 'terra', 'vita'], 1, n))
               || pg_temp.pick(ARRAY['soft', 'lab', 'med', 'line', 'net', 'com', 'sys',
                   'tron', 'vision', 'logic', 'nova', 'grad', 'pro', 'care', 'form'], 2, n)
               || ' ' || pg_temp.pick(ARRAY['Systems', 'Technologies', 'Group', 'Solutions',
                   'Industries', 'Consulting', 'Labs', 'Holding', 'Partners', 'Innovations',
                   'SAS', 'GmbH', 'LLC', 'Ltd', 'SA'], 3, n)
               || ' ' || (n % 97) AS name,
           pg_temp.pick(ARRAY['company', 'company', 'company', 'company', 'company',
                   'startup', 'startup', 'startup', 'university', 'government_body',
                   'chamber_of_commerce', 'cluster', 'foundation', 'association', 'other'], 4, n)
               AS kind,
           pg_temp.pick(pg_temp.places(), 5, n) AS place,
           (SELECT body FROM gen_pool WHERE kind = 'paragraph' || ((pg_temp.r(7, n) % 3)::int) AND i = pg_temp.slot(6, n)) AS description,
           (SELECT list FROM gen_pool WHERE kind = 'sectors' AND i = pg_temp.slot(8, n)) AS sectors,
           pg_temp.created(timestamptz '2024-01-01 00:00:00+00', 1200, n) AS created_at
    FROM generate_series(1, {companies}) AS n
) AS c
ON CONFLICT DO NOTHING;

-- step: speakers
INSERT INTO speakers (id, full_name, position, company_id, country, bio, links, email, phone,
                      sort_name, search_text, search_body, created_at, updated_at)
SELECT pg_temp.uid(2, n), full_name, position,
       CASE WHEN pg_temp.r(13, n) % 100 < 85
            THEN pg_temp.uid(1, 1 + pg_temp.r(14, n) % {companies}) END,
       pg_temp.pick(pg_temp.countries(), 15, n), bio,
       CASE WHEN pg_temp.r(17, n) % 2 = 0
            THEN ARRAY['https://www.linkedin.com/in/' || replace(lower(full_name), ' ', '-') || '-' || n]
            ELSE '{}' END,
       replace(lower(full_name), ' ', '.') || n || '@example.org',
       '+33 1 ' || lpad((pg_temp.r(18, n) % 100000000)::text, 8, '0'),
       lower(full_name), lower(full_name), lower(position || ' ' || bio), created_at, created_at
FROM (
    SELECT n,
           pg_temp.pick(ARRAY['Chief executive officer', 'Head of international cooperation',
               'Deputy head of department', 'Rector', 'Director of innovation', 'Founder',
               'Chief technology officer', 'Trade representative', 'Project manager',
               'President of the chamber'], 12, n) AS position,
           (SELECT body FROM gen_pool WHERE kind = 'paragraph1' AND i = pg_temp.slot(16, n)) AS bio,
           pg_temp.pick(ARRAY['Evgueny', 'Mikhail', 'Vassili', 'Vladimir', 'Maxim', 'Raoul',
               'Nikita', 'Anna', 'Olga', 'Elena', 'Marie', 'Pierre', 'Sophie', 'Jean',
               'Camille', 'Thomas', 'Julia', 'Hans', 'Giulia', 'Min-jun', 'Emily', 'David',
               'Irina', 'Dmitri', 'Natalia', 'Luc', 'Claire', 'Sergei', 'Tatiana', 'Paul'], 10, n)
               || ' ' ||
           pg_temp.pick(ARRAY['Dridze', 'Makarov', 'Fiveisky', 'Platonov', 'Romanov',
               'Rakhmatoulline', 'Pankratov', 'Ivanova', 'Petrov', 'Smirnova', 'Dubois',
               'Martin', 'Bernard', 'Lefebvre', 'Moreau', 'Laurent', 'Schmidt', 'Rossi',
               'Kim', 'Smith', 'Johnson', 'Kuznetsov', 'Popova', 'Sokolov', 'Girard',
               'Fontaine', 'Volkov', 'Morozova', 'Lebedev', 'Mercier'], 11, n) AS full_name,
           pg_temp.created(timestamptz '2024-01-01 00:00:00+00', 2400, n) AS created_at
    FROM generate_series(1, {speakers}) AS n
) AS s
ON CONFLICT DO NOTHING;

-- step: events
-- The shape of each event (dates, part counts, home city) is drawn once, so its venues,
-- sessions, speakers and participants agree with it.
CREATE TEMP TABLE gen_events AS
SELECT e, starts_at, starts_at + make_interval(hours => hours) AS ends_at, hours,
       1 + pg_temp.r(40, e) % 3 AS venues, 3 + pg_temp.r(41, e) % 6 AS sessions,
       3 + pg_temp.r(42, e) % 8 AS appearances, 2 + pg_temp.r(43, e) % 9 AS participants,
       pg_temp.pick(pg_temp.places(), 44, e) AS place
FROM (
    SELECT e,
           date_trunc('hour', timestamptz '2024-01-01 00:00:00+00'
               + make_interval(secs => (pg_temp.r(20, e) % (4 * 365 * 86400))::double precision))
               AS starts_at,
           (ARRAY[3, 4, 6, 8, 24, 48, 72])[1 + pg_temp.r(21, e) % 7]::int AS hours
    FROM generate_series(1, {events}) AS e
) AS g;

INSERT INTO events (id, title, description, kind, format, status, starts_at, ends_at, timezone,
                    languages, sectors, search_text, search_body, created_at, updated_at)
SELECT pg_temp.uid(3, e), title, (SELECT body FROM gen_pool WHERE kind = 'paragraph2' AND i = pg_temp.slot(22, e)), kind,
       pg_temp.pick(ARRAY['in_person', 'online', 'hybrid', 'hybrid'], 23, e),
       CASE WHEN starts_at < timestamptz '2026-11-01 00:00:00+00'
            THEN pg_temp.pick(ARRAY['completed', 'completed', 'completed', 'cancelled'], 24, e)
            ELSE pg_temp.pick(ARRAY['scheduled', 'scheduled', 'scheduled', 'draft'], 24, e) END,
       starts_at, ends_at, split_part(place, '|', 3),
       pg_temp.pick(ARRAY['{en}', '{fr,ru}', '{ru}', '{fr}', '{en,fr,ru}', '{en,ru}'], 25, e)::text[],
       (SELECT list FROM gen_pool WHERE kind = 'sectors' AND i = pg_temp.slot(26, e)), lower(title),
       lower((SELECT body FROM gen_pool WHERE kind = 'paragraph2' AND i = pg_temp.slot(22, e))),
       starts_at - interval '60 days', starts_at - interval '60 days'
FROM (
    SELECT g.*,
           pg_temp.pick(ARRAY['conference', 'teleconference', 'forum', 'b2b_meetings',
               'exhibition', 'webinar', 'pitch_session', 'round_table', 'trade_mission'], 27, e)
               AS kind,
           initcap(pg_temp.pick(pg_temp.words(), 28, e)) || ' and '
               || pg_temp.pick(pg_temp.words(), 29, e) || ': '
               || split_part(place, '|', 1) || ' '
               || pg_temp.pick(ARRAY['forum', 'days', 'summit', 'meetings', 'teleconference',
                   'week'], 30, e) || ' ' || extract(year FROM starts_at) AS title
    FROM gen_events AS g
) AS ev
ON CONFLICT DO NOTHING;

-- step: event parts
INSERT INTO event_venues (id, event_id, name, address, city, country, timezone, capacity,
                          attendance, created_at, updated_at)
SELECT pg_temp.uid(4, e * 4 + k), pg_temp.uid(3, e),
       pg_temp.pick(ARRAY['Congress Centre', 'University Hall', 'Chamber of Commerce',
           'Technopark', 'Expo Centre', 'Aero-Club', 'City Hall', 'Innovation Hub'], 50 + k, e),
       (1 + pg_temp.r(51 + k, e) % 200) || ' ' || pg_temp.pick(ARRAY['Main Street',
           'Galilee Street', 'Tverskaya Street', 'Avenue des Champs', 'Park Lane'], 52 + k, e),
       split_part(place, '|', 1), split_part(place, '|', 2), split_part(place, '|', 3),
       capacity, CASE WHEN status = 'completed' THEN capacity * 6 / 10 END,
       created_at, created_at
FROM (
    SELECT g.e, k, ev.status, ev.created_at,
           CASE WHEN k = 0 THEN g.place ELSE pg_temp.pick(pg_temp.places(), 53 + k, g.e) END
               AS place,
           (50 + pg_temp.r(54 + k, g.e) % 1950)::int AS capacity
    FROM gen_events AS g
    JOIN events AS ev ON ev.id = pg_temp.uid(3, g.e)
    CROSS JOIN LATERAL generate_series(0, g.venues - 1) AS k
) AS v
ON CONFLICT DO NOTHING;

INSERT INTO event_sessions (id, event_id, venue_id, title, starts_at, ends_at, position,
                            created_at, updated_at)
SELECT pg_temp.uid(5, g.e * 10 + k), pg_temp.uid(3, g.e),
       pg_temp.uid(4, g.e * 4 + k % g.venues),
       initcap(pg_temp.pick(pg_temp.words(), 60 + k, g.e)) || ' '
           || pg_temp.pick(ARRAY['panel', 'keynote', 'pitches', 'round table', 'workshop',
               'networking'], 61 + k, g.e),
       g.starts_at + make_interval(mins => (k * g.hours * 60 / g.sessions)::int),
       g.starts_at + make_interval(mins => ((k + 1) * g.hours * 60 / g.sessions)::int),
       k::int, g.starts_at - interval '30 days', g.starts_at - interval '30 days'
FROM gen_events AS g
CROSS JOIN LATERAL generate_series(0, g.sessions - 1) AS k
ON CONFLICT DO NOTHING;

INSERT INTO event_speakers (id, event_id, speaker_id, session_id, role, created_at, updated_at)
SELECT pg_temp.uid(6, g.e * 16 + k), pg_temp.uid(3, g.e),
       pg_temp.uid(2, 1 + pg_temp.r(70, g.e * 16 + k) % {speakers}),
       CASE WHEN pg_temp.r(71, g.e * 16 + k) % 5 > 0
            THEN pg_temp.uid(5, g.e * 10 + k % g.sessions) END,
       CASE WHEN k = 0 THEN 'moderator'
            ELSE pg_temp.pick(ARRAY['speaker', 'speaker', 'speaker', 'panelist', 'host'],
                72, g.e * 16 + k) END,
       g.starts_at - interval '20 days', g.starts_at - interval '20 days'
FROM gen_events AS g
CROSS JOIN LATERAL generate_series(0, g.appearances - 1) AS k
WHERE {speakers} > 0
ON CONFLICT DO NOTHING;

INSERT INTO event_participants (id, event_id, company_id, role, created_at, updated_at)
SELECT pg_temp.uid(7, g.e * 16 + k), pg_temp.uid(3, g.e),
       pg_temp.uid(1, 1 + pg_temp.r(80, g.e * 16 + k) % {companies}),
       CASE k WHEN 0 THEN 'organizer' WHEN 1 THEN 'co_organizer'
            ELSE pg_temp.pick(ARRAY['partner', 'sponsor', 'exhibitor', 'presenter',
                'attendee', 'attendee'], 81, g.e * 16 + k) END,
       g.starts_at - interval '20 days', g.starts_at - interval '20 days'
FROM gen_events AS g
CROSS JOIN LATERAL generate_series(0, g.participants - 1) AS k
ON CONFLICT DO NOTHING;

-- step: offers
-- The markets, match candidates, origins, facet counts and changes of the new offers are
-- written by the insert's statement trigger, for all of them at once.
SELECT pg_temp.drop_indexes('cooperation_offers');
SELECT pg_temp.drop_indexes('cooperation_offer_markets');
SELECT pg_temp.drop_indexes('cooperation_offer_sectors');
SELECT pg_temp.drop_indexes('cooperation_offer_origins');

INSERT INTO cooperation_offers (id, company_id, kind, cooperation_types, title, summary,
    description, sectors, target_countries, language, status, published_at, valid_until,
    event_id, search_text, search_body, created_at, updated_at)
SELECT pg_temp.uid(8, n), pg_temp.uid(1, 1 + pg_temp.r(90, n) % {companies}), kind,
       (SELECT list FROM gen_pool WHERE kind = 'cooperation_types' AND i = pg_temp.slot(91, n)),
       title, summary, description,
       (SELECT list FROM gen_pool WHERE kind = 'sectors' AND i = pg_temp.slot(93, n)),
       (SELECT list FROM gen_pool WHERE kind = 'countries' AND i = pg_temp.slot(94, n)),
       pg_temp.pick(ARRAY['en', 'fr', 'ru', 'ru', 'en'], 95, n),
       CASE WHEN state = 'expired' THEN 'published' ELSE state END,
       CASE WHEN state <> 'draft' THEN created_at + interval '1 day' END,
       CASE WHEN state = 'expired' THEN date '2026-10-31' - (pg_temp.r(96, n) % 300)::int
            WHEN pg_temp.r(97, n) % 5 = 0 THEN NULL
            ELSE date '2027-06-01' + (pg_temp.r(96, n) % 900)::int END,
       CASE WHEN {events} > 0 AND pg_temp.r(98, n) % 20 = 0
            THEN pg_temp.uid(3, 1 + pg_temp.r(99, n) % greatest({events}, 1)) END,
       lower(title), lower(summary || ' ' || description), created_at, created_at + interval '1 day'
FROM (
    SELECT n, kind, state, created_at,
           (SELECT body FROM gen_pool WHERE kind = 'paragraph3' AND i = pg_temp.slot(92, n)) AS description,
           CASE WHEN kind LIKE '%request'
                THEN pg_temp.pick(ARRAY['Looking for a distributor of', 'Partner wanted for',
                         'Seeking investors in', 'Request for suppliers of'], 100, n)
                ELSE pg_temp.pick(ARRAY['Licensing of', 'Distribution of', 'Joint venture in',
                         'Export offer:', 'Technology transfer:'], 100, n) END
               || ' ' || pg_temp.pick(pg_temp.words(), 101, n) || ' '
               || pg_temp.pick(pg_temp.words(), 102, n) || ' in '
               || pg_temp.pick(ARRAY['Russia', 'France', 'Europe', 'Germany', 'Italy', 'Korea',
                      'the CIS', 'the Middle East'], 103, n) AS title,
           (SELECT body FROM gen_pool WHERE kind = 'paragraph1' AND i = pg_temp.slot(104, n)) AS summary
    FROM (
        SELECT n,
               pg_temp.pick(ARRAY['business_offer', 'business_request', 'technology_offer',
                   'technology_request', 'investment_offer', 'investment_request',
                   'rd_partnership'], 105, n) AS kind,
               pg_temp.pick(ARRAY['published', 'published', 'published', 'published',
                   'published', 'published', 'published', 'published', 'published',
                   'published', 'published', 'published', 'published', 'published',
                   'published', 'draft', 'draft', 'closed', 'closed', 'expired'], 106, n)
                   AS state,
               pg_temp.created(timestamptz '2024-06-01 00:00:00+00', 30, n) AS created_at
        FROM generate_series(1, {offers}) AS n
    ) AS base
) AS o
ON CONFLICT DO NOTHING;

SELECT cooperation_offer_counts_fold(current_date);
SELECT pg_temp.restore_indexes('cooperation_offers');
SELECT pg_temp.restore_indexes('cooperation_offer_markets');
SELECT pg_temp.restore_indexes('cooperation_offer_sectors');
SELECT pg_temp.restore_indexes('cooperation_offer_origins');
