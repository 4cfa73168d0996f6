//! The match queries. Candidates share at least one sector with the offer (or company), which
//! a GIN index on `(kind, sectors)` or `sectors` finds; the newest [`CANDIDATES`] are scored
//! in the same query, so one round trip returns the ranked page.

use chrono::NaiveDate;
use diesel::result::QueryResult;
use diesel::sql_types::{Date, Integer, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::types::MatchRow;
use crate::offers::types::OfferKind;

/// The columns of an offer row (`m.*` would also carry its search vectors).
macro_rules! offer_columns {
    () => {
        "m.id, m.company_id, m.kind, m.cooperation_types, m.title, m.summary, m.description,
         m.sectors, m.target_countries, m.language, m.status, m.published_at, m.valid_until,
         m.event_id, m.search_text, m.search_body, m.created_at, m.updated_at"
    };
}

/// How many candidates (the newest) a match query scores: with a million offers, one sector
/// can be shared by tens of thousands, and scoring all of them would take seconds.
pub const CANDIDATES: i32 = 1000;

/// Listed offers of another company, of the complementary kind, sharing a sector. The score
/// without text similarity (at most 80) is computed for every candidate; the similarity of
/// titles (worth up to 20, and the costly part) only for those that can still reach the
/// page: within 20 points of the page's last structural score.
const OFFER_MATCHES: &str = concat!(
    "
WITH o AS (
    SELECT o.*, oc.country AS company_country
    FROM cooperation_offers o JOIN companies oc ON oc.id = o.company_id
    WHERE o.id = $1
),
candidates AS MATERIALIZED (
    SELECT m.id, m.sectors, m.cooperation_types, m.target_countries, m.company_id
    FROM cooperation_offers m, o
    WHERE m.sectors && o.sectors
      AND m.kind = $2
      AND m.status = 'published' AND (m.valid_until IS NULL OR m.valid_until >= $3)
      AND m.company_id <> o.company_id
    ORDER BY m.created_at DESC, m.id DESC
    LIMIT $5
),
scored AS MATERIALIZED (
    SELECT c.id, x.sector_overlap, x.shared_types,
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
    ) x
),
bar AS (
    SELECT min(structural) AS structural
    FROM (SELECT structural FROM scored ORDER BY structural DESC LIMIT $4) AS page
)
SELECT ",
    offer_columns!(),
    ",
       s.structural + 20 * t.text_similarity AS score,
       s.sector_overlap,
       s.they_fit OR s.we_fit AS country_fit,
       s.shared_types,
       t.text_similarity
FROM scored s
JOIN cooperation_offers m ON m.id = s.id
CROSS JOIN o
CROSS JOIN LATERAL (SELECT similarity(m.search_text, o.search_text)::float8 AS text_similarity) t
WHERE s.structural + 20 >= (SELECT structural FROM bar)
ORDER BY score DESC, m.created_at DESC, m.id DESC
LIMIT $4"
);

/// Listed offers of other companies sharing a sector with the company (the newest
/// [`CANDIDATES`]), ranked by how many of its sectors they cover and whether they target its
/// country.
const COMPANY_MATCHES: &str = concat!(
    "
WITH candidates AS MATERIALIZED (
    SELECT m.id, m.sectors, m.target_countries, c.sectors AS company_sectors, c.country
    FROM companies c
    JOIN cooperation_offers m ON m.sectors && c.sectors
    WHERE c.id = $1
      AND m.company_id <> c.id
      AND m.status = 'published' AND (m.valid_until IS NULL OR m.valid_until >= $2)
    ORDER BY m.created_at DESC, m.id DESC
    LIMIT $4
)
SELECT ",
    offer_columns!(),
    ",
       (60 * cardinality(x.sector_overlap)::float8 / greatest(cardinality(c.company_sectors), 1)
        + 40 * (c.country = ANY (c.target_countries))::int)::float8 AS score,
       x.sector_overlap,
       (c.country = ANY (c.target_countries)) AS country_fit,
       '{}'::text[] AS shared_types,
       0::float8 AS text_similarity
FROM candidates c
JOIN cooperation_offers m ON m.id = c.id
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT s FROM unnest(c.sectors) s WHERE s = ANY (c.company_sectors) ORDER BY s) AS sector_overlap
) x
ORDER BY score DESC, m.created_at DESC, m.id DESC
LIMIT $3"
);

pub async fn for_offer(
    conn: &mut AsyncPgConnection,
    offer_id: Uuid,
    complement: OfferKind,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<MatchRow>> {
    let kind: &'static str = complement.into();
    diesel::sql_query(OFFER_MATCHES)
        .bind::<SqlUuid, _>(offer_id)
        .bind::<Text, _>(kind)
        .bind::<Date, _>(today)
        .bind::<Integer, _>(i32::try_from(limit).unwrap_or(100))
        .bind::<Integer, _>(CANDIDATES)
        .load(conn)
        .await
}

pub async fn for_company(
    conn: &mut AsyncPgConnection,
    company_id: Uuid,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<MatchRow>> {
    diesel::sql_query(COMPANY_MATCHES)
        .bind::<SqlUuid, _>(company_id)
        .bind::<Date, _>(today)
        .bind::<Integer, _>(i32::try_from(limit).unwrap_or(100))
        .bind::<Integer, _>(CANDIDATES)
        .load(conn)
        .await
}
