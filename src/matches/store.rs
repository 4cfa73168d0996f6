//! The match queries. Candidates share at least one sector with the offer (or company), which
//! the GIN index on `sectors` finds; the score is computed in the same query, so one round
//! trip returns the ranked page.

use chrono::NaiveDate;
use diesel::result::QueryResult;
use diesel::sql_types::{Date, Integer, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::types::MatchRow;
use crate::offers::types::OfferKind;

/// Listed offers of another company, of the complementary kind, sharing a sector.
const OFFER_MATCHES: &str = "
SELECT m.*,
       (40 * cardinality(x.sector_overlap)::float8
            / greatest(cardinality(ARRAY(SELECT DISTINCT unnest(m.sectors || o.sectors))), 1)
        + 15 * (mc.country = ANY (o.target_countries))::int
        + 15 * (oc.country = ANY (m.target_countries))::int
        + 10 * cardinality(x.shared_types)::float8
            / greatest(cardinality(ARRAY(SELECT DISTINCT unnest(m.cooperation_types || o.cooperation_types))), 1)
        + 20 * x.text_similarity)::float8 AS score,
       x.sector_overlap,
       (mc.country = ANY (o.target_countries) OR oc.country = ANY (m.target_countries)) AS country_fit,
       x.shared_types,
       x.text_similarity
FROM cooperation_offers o
JOIN companies oc ON oc.id = o.company_id
JOIN cooperation_offers m ON m.sectors && o.sectors
JOIN companies mc ON mc.id = m.company_id
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT unnest(m.sectors) INTERSECT SELECT unnest(o.sectors) ORDER BY 1) AS sector_overlap,
           ARRAY(SELECT unnest(m.cooperation_types) INTERSECT SELECT unnest(o.cooperation_types) ORDER BY 1) AS shared_types,
           similarity(m.search_text, o.search_text)::float8 AS text_similarity
) x
WHERE o.id = $1
  AND m.kind = $2
  AND m.status = 'published' AND (m.valid_until IS NULL OR m.valid_until >= $3)
  AND m.company_id <> o.company_id
ORDER BY score DESC, m.created_at DESC, m.id DESC
LIMIT $4";

/// Listed offers of other companies sharing a sector with the company, ranked by how many of
/// its sectors they cover and whether they target its country.
const COMPANY_MATCHES: &str = "
SELECT m.*,
       (60 * cardinality(x.sector_overlap)::float8 / greatest(cardinality(c.sectors), 1)
        + 40 * (c.country = ANY (m.target_countries))::int)::float8 AS score,
       x.sector_overlap,
       (c.country = ANY (m.target_countries)) AS country_fit,
       '{}'::text[] AS shared_types,
       0::float8 AS text_similarity
FROM companies c
JOIN cooperation_offers m ON m.sectors && c.sectors
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT unnest(m.sectors) INTERSECT SELECT unnest(c.sectors) ORDER BY 1) AS sector_overlap
) x
WHERE c.id = $1
  AND m.company_id <> c.id
  AND m.status = 'published' AND (m.valid_until IS NULL OR m.valid_until >= $2)
ORDER BY score DESC, m.created_at DESC, m.id DESC
LIMIT $3";

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
        .load(conn)
        .await
}
