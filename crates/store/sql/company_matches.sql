-- The matches of a company: listed offers of other companies sharing one of its sectors (the
-- newest candidates), ranked by how many of its sectors they cover and whether they target
-- its country. Parameters (bound by name): company_id, today, limit, candidates.
WITH company AS (
    SELECT id, sectors, country FROM companies WHERE id = $company_id
),
newest AS MATERIALIZED (
    SELECT e.offer_id, max(e.created_at) AS created_at
    FROM company c
    CROSS JOIN LATERAL unnest(c.sectors) AS s (sector)
    CROSS JOIN LATERAL (
        SELECT e.offer_id, e.created_at
        FROM cooperation_offer_sectors e
        WHERE e.sector = s.sector AND e.company_id <> c.id
          AND coop_offer_unexpired(e.valid_until, $today)
        ORDER BY e.created_at DESC, e.offer_id DESC
        LIMIT $candidates
    ) e
    GROUP BY e.offer_id
    ORDER BY created_at DESC, e.offer_id DESC
    LIMIT $candidates
),
candidates AS MATERIALIZED (
    SELECT m.id, m.created_at, m.sectors, m.target_countries, c.sectors AS company_sectors, c.country
    FROM newest n
    JOIN cooperation_offers m ON m.id = n.offer_id
    CROSS JOIN company c
),
-- The page, before the offers' other columns (compressed text) are read.
ranked AS MATERIALIZED (
    SELECT c.id, c.created_at, x.sector_overlap,
           (60 * cardinality(x.sector_overlap)::float8 / greatest(cardinality(c.company_sectors), 1)
            + 40 * (c.country = ANY (c.target_countries))::int)::float8 AS score,
           (c.country = ANY (c.target_countries)) AS country_fit
    FROM candidates c
    CROSS JOIN LATERAL (
        SELECT ARRAY(SELECT s FROM unnest(c.sectors) s WHERE s = ANY (c.company_sectors) ORDER BY s) AS sector_overlap
        OFFSET 0
    ) x
    ORDER BY score DESC, c.created_at DESC, c.id DESC
    LIMIT $limit
)
SELECT m.id,
       m.company_id,
       m.kind,
       m.cooperation_types,
       m.title,
       m.summary,
       m.description,
       m.sectors,
       m.target_countries,
       m.language,
       m.status,
       m.published_at,
       m.valid_until,
       m.event_id,
       m.created_at,
       m.updated_at,
       m.external_id,
       r.score,
       r.sector_overlap,
       r.country_fit,
       '{}'::text[] AS shared_types,
       0::float8 AS text_similarity
FROM ranked r
JOIN cooperation_offers m ON m.id = r.id
ORDER BY r.score DESC, r.created_at DESC, r.id DESC
