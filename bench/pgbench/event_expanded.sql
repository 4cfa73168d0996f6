-- The expanded event's own ceiling: what GET /events/{id}?expand=venues,sessions,speakers,
-- participants reads, the event and its four parts (speakers and companies joined), their API
-- columns, five prepared statements sent in one pipeline (one round trip) as the service does.
-- The id is built in SQL as in src/synthetic.sql (once per statement, a few microseconds).
\set n random(1, :events)
\startpipeline
SELECT id, title, description, kind, format, status, starts_at, ends_at, timezone, languages,
       sectors, created_at, updated_at, external_id
FROM events WHERE id = ('01900000-0003-7000-8000-' || lpad(to_hex(:n::bigint), 12, '0'))::uuid;
SELECT id, event_id, name, address, city, country, timezone, capacity, attendance, created_at,
       updated_at
FROM event_venues
WHERE event_id = ('01900000-0003-7000-8000-' || lpad(to_hex(:n::bigint), 12, '0'))::uuid
ORDER BY created_at, id;
SELECT id, event_id, venue_id, title, description, starts_at, ends_at, position, created_at,
       updated_at
FROM event_sessions
WHERE event_id = ('01900000-0003-7000-8000-' || lpad(to_hex(:n::bigint), 12, '0'))::uuid
ORDER BY starts_at, id;
SELECT a.id, a.event_id, a.speaker_id, a.session_id, a.role, a.created_at, a.updated_at, s.id,
       s.full_name, s.native_name, s.position, s.company_id
FROM event_speakers AS a JOIN speakers AS s ON a.speaker_id = s.id
WHERE a.event_id = ('01900000-0003-7000-8000-' || lpad(to_hex(:n::bigint), 12, '0'))::uuid
ORDER BY a.created_at, a.id;
SELECT p.id, p.event_id, p.company_id, p.role, p.created_at, p.updated_at, c.id, c.name,
       c.native_name, c.kind, c.country
FROM event_participants AS p JOIN companies AS c ON p.company_id = c.id
WHERE p.event_id = ('01900000-0003-7000-8000-' || lpad(to_hex(:n::bigint), 12, '0'))::uuid
ORDER BY p.created_at, p.id;
\endpipeline
