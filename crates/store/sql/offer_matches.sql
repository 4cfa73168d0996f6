-- The matches of an offer: listed offers of another company, of the complementary kind,
-- sharing a sector. The newest candidates of each shared sector come in order from
-- cooperation_offer_sectors; the score without text similarity (at most 80) is computed for
-- every candidate, the similarity of titles (worth up to 20, and the costly part) only for
-- those that can still reach the page: within 20 points of the page's last structural score.
-- Parameters (bound by name): offer_id, kind (the complementary kind), today, limit,
-- candidates (how many of the newest are scored).
WITH o AS (
    SELECT o.*, oc.country AS company_country
    FROM cooperation_offers o JOIN companies oc ON oc.id = o.company_id
    WHERE o.id = $offer_id
),
newest AS MATERIALIZED (
    SELECT e.offer_id, max(e.created_at) AS created_at
    FROM o
    CROSS JOIN LATERAL unnest(o.sectors) AS s (sector)
    CROSS JOIN LATERAL (
        SELECT e.offer_id, e.created_at
        FROM cooperation_offer_sectors e
        WHERE e.sector = s.sector AND e.kind = $kind AND e.company_id <> o.company_id
          AND coop_offer_unexpired(e.valid_until, $today)
        ORDER BY e.created_at DESC, e.offer_id DESC
        LIMIT $candidates
    ) e
    GROUP BY e.offer_id
    ORDER BY created_at DESC, e.offer_id DESC
    LIMIT $candidates
),
candidates AS MATERIALIZED (
    SELECT m.id, m.created_at, m.search_text, m.sectors, m.cooperation_types,
           m.target_countries, m.company_id
    FROM newest n
    JOIN cooperation_offers m ON m.id = n.offer_id
),
scored AS MATERIALIZED (
    SELECT c.id, c.created_at, c.search_text, x.sector_overlap, x.shared_types,
           mc.country = ANY (o.target_countries) AS they_fit,
           o.company_country = ANY (c.target_countries) AS we_fit,
           40 * cardinality(x.sector_overlap)::float8
               / greatest(cardinality(c.sectors) + cardinality(o.sectors) - cardinality(x.sector_overlap), 1)
           + 15 * (mc.country = ANY (o.target_countries))::int
           + 15 * (o.company_country = ANY (c.target_countries))::int
           + 10 * cardinality(x.shared_types)::float8
               / greatest(cardinality(c.cooperation_types) + cardinality(o.cooperation_types) - cardinality(x.shared_types), 1)
               AS structural
    FROM candidates c
    CROSS JOIN o
    JOIN companies mc ON mc.id = c.company_id
    CROSS JOIN LATERAL (
        SELECT ARRAY(SELECT s FROM unnest(c.sectors) s WHERE s = ANY (o.sectors) ORDER BY s) AS sector_overlap,
               ARRAY(SELECT t FROM unnest(c.cooperation_types) t WHERE t = ANY (o.cooperation_types) ORDER BY t) AS shared_types
        -- Computed once per candidate: without it each use of the arrays repeats the subquery.
        OFFSET 0
    ) x
),
bar AS (
    SELECT min(structural) AS structural
    FROM (SELECT structural FROM scored ORDER BY structural DESC LIMIT $limit) AS page
),
-- The page, before the offers' other columns are read: their text is stored compressed,
-- and reading it for every candidate within reach of the page cost 10 ms.
ranked AS MATERIALIZED (
    SELECT s.*, s.structural + 20 * t.text_similarity AS score, t.text_similarity
    FROM scored s
    CROSS JOIN o
    CROSS JOIN LATERAL (SELECT similarity(s.search_text, o.search_text)::float8 AS text_similarity) t
    WHERE s.structural + 20 >= (SELECT structural FROM bar)
    ORDER BY score DESC, s.created_at DESC, s.id DESC
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
       r.they_fit OR r.we_fit AS country_fit,
       r.shared_types,
       r.text_similarity
FROM ranked r
JOIN cooperation_offers m ON m.id = r.id
ORDER BY r.score DESC, r.created_at DESC, r.id DESC
