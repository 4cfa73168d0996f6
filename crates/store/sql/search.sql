-- A search of one type (companies, speakers, events or offers), best hits first, in three
-- tiers: 3, the name matches every word; 2, the name resembles the text (pg_trgm, people and
-- organisations only); 1, the text matches every word. Each tier is cut at a page.
--
-- The type fills the {{…}} markers once when the statement is built (search.rs: the table,
-- its name column, the snippet's fields, what anyone may see); the section between
-- {{#similar_names}} and {{/similar_names}} is kept only for types whose names may merely
-- resemble the text. The statements as they run are in sql/snapshots/search_*.snap.
--
-- Parameters (bound by name): tsquery (every word, as text), folded (the folded text), rows
-- (the page size plus one), after_tier, after_at, after_id, after_similarity (the cursor;
-- tier 4 when none), today.
--
-- Each date-ordered tier (3 and 1) is read in two steps, the second only when the first found
-- less than a page:
-- 1. early: the newest rows after the cursor (300 for names, 100 for text, by the created_at
--    index), stopping at a page of hits: a frequent word costs a few rows;
-- 2. older: the older hits period by period, newest first, each period's from the GIN index
--    over the words and the creation periods (migration 000010), stopping at a page: a rare
--    word costs a dozen index lookups, a frequent one behind thousands of newer rows without
--    it a few periods. The periods go back from the last early row (edge): first its minute,
--    then, from the newest row before what was read, the 8-minute period it falls in, then
--    64 minutes, and so on, so that a gap in time costs nothing. A period's hits are sorted
--    outside an OFFSET 0 fence (with ORDER BY and LIMIT beside them the planner walks
--    created_at again, filtering); visibility and cursor are wrapped in IS TRUE so that they
--    are checked on the rows the index finds rather than read from another index.
-- The text tier runs only when the names left room on the page: with a page of names, a word
-- frequent in names but absent from texts would have its texts searched for nothing.
WITH early3 AS MATERIALIZED (
    SELECT id, created_at FROM (
        SELECT t.id, t.created_at, (t.name_vector @@ $tsquery::tsquery) AS hit
        FROM {{table}} t
        WHERE true AND {{visible}}
          AND ($after_tier > 3 OR ($after_tier = 3 AND (t.created_at, t.id) < ($after_at, $after_id)))
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT 300) AS w
    WHERE hit
    LIMIT $rows),
edge3 AS MATERIALIZED (
    SELECT t.created_at, t.id FROM {{table}} t
    WHERE (SELECT count(*) FROM early3) < $rows AND true AND {{visible}}
      AND ($after_tier > 3 OR ($after_tier = 3 AND (t.created_at, t.id) < ($after_at, $after_id)))
    ORDER BY t.created_at DESC, t.id DESC
    OFFSET 300 - 1 LIMIT 1),
older3 AS MATERIALIZED (
    WITH RECURSIVE periods (level, since, ids, ats, found) AS (
        SELECT 0, coop_period_start(e.created_at, 0), h.ids, h.ats,
               (SELECT count(*) FROM early3) + cardinality(h.ids)
        FROM edge3 e CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(x.id), '{}') AS ids,
                   coalesce(array_agg(x.created_at), '{}') AS ats
            FROM (SELECT y.id, y.created_at FROM (
                      SELECT t.id, t.created_at FROM {{table}} t
                      WHERE t.name_vector @@ $tsquery::tsquery
                        AND coop_periods(t.created_at) @> ARRAY[coop_period(e.created_at, 0)]
                        AND (true AND {{visible}}
                             AND ($after_tier > 3 OR ($after_tier = 3 AND (t.created_at, t.id) < ($after_at, $after_id)))
                             AND (t.created_at, t.id) < (e.created_at, e.id)
                             AND true) IS TRUE
                      OFFSET 0) AS y
                  ORDER BY y.created_at DESC, y.id DESC
                  LIMIT $rows) AS x) AS h
      UNION ALL
        SELECT l.level, coop_period_start(n.newest, l.level), h.ids, h.ats,
               p.found + cardinality(h.ids)
        FROM periods p
        CROSS JOIN edge3 e
        CROSS JOIN LATERAL (SELECT least(p.level + 1, 9) AS level) AS l
        CROSS JOIN LATERAL (
            SELECT t.created_at AS newest FROM {{table}} t
            WHERE t.created_at < p.since
            ORDER BY t.created_at DESC LIMIT 1) AS n
        CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(x.id), '{}') AS ids,
                   coalesce(array_agg(x.created_at), '{}') AS ats
            FROM (SELECT y.id, y.created_at FROM (
                      SELECT t.id, t.created_at FROM {{table}} t
                      WHERE t.name_vector @@ $tsquery::tsquery
                        AND coop_periods(t.created_at) @> ARRAY[coop_period(n.newest, l.level)]
                        AND (true AND {{visible}}
                             AND ($after_tier > 3 OR ($after_tier = 3 AND (t.created_at, t.id) < ($after_at, $after_id)))
                             AND (t.created_at, t.id) < (e.created_at, e.id)
                             AND t.created_at < p.since) IS TRUE
                      OFFSET 0) AS y
                  ORDER BY y.created_at DESC, y.id DESC
                  LIMIT $rows) AS x) AS h
        WHERE p.found < $rows)
    SELECT u.id, u.created_at
    FROM periods CROSS JOIN LATERAL unnest(periods.ids, periods.ats) AS u (id, created_at)),
names AS MATERIALIZED (
    SELECT 3 AS tier, 0::float8 AS similarity, id, created_at
    FROM (SELECT id, created_at FROM early3
          UNION ALL SELECT id, created_at FROM older3) AS found
    ORDER BY created_at DESC, id DESC
    LIMIT $rows),
-- Text hits: every word somewhere (search_vector, whose index finds a period's candidates),
-- but not every word in the name.
early1 AS MATERIALIZED (
    SELECT id, created_at FROM (
        SELECT t.id, t.created_at,
               (t.search_vector @@ $tsquery::tsquery AND NOT (t.name_vector @@ $tsquery::tsquery)) AS hit
        FROM {{table}} t
        WHERE (SELECT count(*) FROM names) < $rows AND {{visible}}
          AND ($after_tier > 1 OR ($after_tier = 1 AND (t.created_at, t.id) < ($after_at, $after_id)))
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT 100) AS w
    WHERE hit
    LIMIT $rows),
edge1 AS MATERIALIZED (
    SELECT t.created_at, t.id FROM {{table}} t
    WHERE (SELECT count(*) FROM early1) < $rows AND (SELECT count(*) FROM names) < $rows AND {{visible}}
      AND ($after_tier > 1 OR ($after_tier = 1 AND (t.created_at, t.id) < ($after_at, $after_id)))
    ORDER BY t.created_at DESC, t.id DESC
    OFFSET 100 - 1 LIMIT 1),
older1 AS MATERIALIZED (
    WITH RECURSIVE periods (level, since, ids, ats, found) AS (
        SELECT 0, coop_period_start(e.created_at, 0), h.ids, h.ats,
               (SELECT count(*) FROM early1) + cardinality(h.ids)
        FROM edge1 e CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(x.id), '{}') AS ids,
                   coalesce(array_agg(x.created_at), '{}') AS ats
            FROM (SELECT y.id, y.created_at FROM (
                      SELECT t.id, t.created_at FROM {{table}} t
                      WHERE t.search_vector @@ $tsquery::tsquery
                        AND coop_periods(t.created_at) @> ARRAY[coop_period(e.created_at, 0)]
                        AND (NOT (t.name_vector @@ $tsquery::tsquery) AND {{visible}}
                             AND ($after_tier > 1 OR ($after_tier = 1 AND (t.created_at, t.id) < ($after_at, $after_id)))
                             AND (t.created_at, t.id) < (e.created_at, e.id)
                             AND true) IS TRUE
                      OFFSET 0) AS y
                  ORDER BY y.created_at DESC, y.id DESC
                  LIMIT $rows) AS x) AS h
      UNION ALL
        SELECT l.level, coop_period_start(n.newest, l.level), h.ids, h.ats,
               p.found + cardinality(h.ids)
        FROM periods p
        CROSS JOIN edge1 e
        CROSS JOIN LATERAL (SELECT least(p.level + 1, 9) AS level) AS l
        CROSS JOIN LATERAL (
            SELECT t.created_at AS newest FROM {{table}} t
            WHERE t.created_at < p.since
            ORDER BY t.created_at DESC LIMIT 1) AS n
        CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(x.id), '{}') AS ids,
                   coalesce(array_agg(x.created_at), '{}') AS ats
            FROM (SELECT y.id, y.created_at FROM (
                      SELECT t.id, t.created_at FROM {{table}} t
                      WHERE t.search_vector @@ $tsquery::tsquery
                        AND coop_periods(t.created_at) @> ARRAY[coop_period(n.newest, l.level)]
                        AND (NOT (t.name_vector @@ $tsquery::tsquery) AND {{visible}}
                             AND ($after_tier > 1 OR ($after_tier = 1 AND (t.created_at, t.id) < ($after_at, $after_id)))
                             AND (t.created_at, t.id) < (e.created_at, e.id)
                             AND t.created_at < p.since) IS TRUE
                      OFFSET 0) AS y
                  ORDER BY y.created_at DESC, y.id DESC
                  LIMIT $rows) AS x) AS h
        WHERE p.found < $rows)
    SELECT u.id, u.created_at
    FROM periods CROSS JOIN LATERAL unnest(periods.ids, periods.ats) AS u (id, created_at)),
hits AS (
    SELECT * FROM names
{{#similar_names}}
    -- Names that resemble the text, most similar first; only when no name holds every word
    -- (a typo, another transliteration): a common word resembles many names that are already
    -- found as they are. A cursor inside the name tier means such names exist; without a
    -- cursor, names holds them.
    UNION ALL (
        SELECT 2, s.similarity, t.id, t.created_at
        FROM {{table}} t
        CROSS JOIN LATERAL (SELECT word_similarity($folded, t.search_text)::float8 AS similarity) s
        WHERE {{visible}} AND $folded <% t.search_text AND NOT (t.search_vector @@ $tsquery::tsquery)
          AND $after_tier <> 3 AND NOT EXISTS (SELECT FROM names)
          AND ($after_tier > 2 OR ($after_tier = 2 AND (s.similarity, t.created_at, t.id) < ($after_similarity, $after_at, $after_id)))
        ORDER BY s.similarity DESC, t.created_at DESC, t.id DESC
        LIMIT $rows)
{{/similar_names}}
    UNION ALL (
        SELECT 1 AS tier, 0::float8 AS similarity, id, created_at
        FROM (SELECT id, created_at FROM early1
              UNION ALL SELECT id, created_at FROM older1) AS found
        ORDER BY created_at DESC, id DESC
        LIMIT $rows))
SELECT hits.tier, hits.similarity, t.id, t.created_at, t.{{name}} AS name, {{fields}} AS fields
FROM hits JOIN {{table}} t ON t.id = hits.id
ORDER BY hits.tier DESC, hits.similarity DESC, t.created_at DESC, t.id DESC
LIMIT $rows
