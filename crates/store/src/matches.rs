//! The match queries. Candidates share at least one sector with the offer (or company): the
//! newest candidates ([`OFFER_CANDIDATES`], [`COMPANY_CANDIDATES`]) of each sector come in order from `cooperation_offer_sectors` (see
//! its migration), the newest of those are scored in the same query, so one round trip
//! returns the ranked page.

use coop_domain::offers::OfferKind;
use std::sync::LazyLock;

use chrono::NaiveDate;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::prepared::{Bind, Sql};
use crate::offers::OfferRow;
use coop_domain::offers::CooperationType;
use diesel::QueryableByName;

/// A candidate as the match query returns it.
#[derive(Debug, QueryableByName)]
pub struct MatchRow {
    #[diesel(embed)]
    pub offer: OfferRow,
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub score: f64,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::Text>)]
    pub sector_overlap: Vec<String>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub country_fit: bool,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::Text>)]
    pub shared_types: Vec<CooperationType>,
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub text_similarity: f64,
}

/// The columns of an offer row (`m.*` would also carry its search vectors).
macro_rules! offer_columns {
    () => {
        "m.id, m.company_id, m.kind, m.cooperation_types, m.title, m.summary, m.description,
         m.sectors, m.target_countries, m.language, m.status, m.published_at, m.valid_until,
         m.event_id, m.search_text, m.search_body, m.created_at, m.updated_at"
    };
}

/// How many candidates (the newest) a match query scores: with a million offers, one sector
/// can be shared by tens of thousands, and scoring all of them would take seconds. An offer's
/// candidates cost more (each is compared with the offer's title, and its company's country
/// is looked up): 1,000 took 26 ms, 300 take 10 ms at 100,000 offers.
pub const OFFER_CANDIDATES: i32 = 300;
pub const COMPANY_CANDIDATES: i32 = 1000;

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
newest AS MATERIALIZED (
    SELECT e.offer_id, max(e.created_at) AS created_at
    FROM o
    CROSS JOIN LATERAL unnest(o.sectors) AS s (sector)
    CROSS JOIN LATERAL (
        SELECT e.offer_id, e.created_at
        FROM cooperation_offer_sectors e
        WHERE e.sector = s.sector AND e.kind = $2 AND e.company_id <> o.company_id
          AND (e.valid_until IS NULL OR e.valid_until >= $3)
        ORDER BY e.created_at DESC, e.offer_id DESC
        LIMIT $5
    ) e
    GROUP BY e.offer_id
    ORDER BY created_at DESC, e.offer_id DESC
    LIMIT $5
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
    FROM (SELECT structural FROM scored ORDER BY structural DESC LIMIT $4) AS page
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
    LIMIT $4
)
SELECT ",
    offer_columns!(),
    ",
       r.score,
       r.sector_overlap,
       r.they_fit OR r.we_fit AS country_fit,
       r.shared_types,
       r.text_similarity
FROM ranked r
JOIN cooperation_offers m ON m.id = r.id
ORDER BY r.score DESC, r.created_at DESC, r.id DESC"
);

/// Listed offers of other companies sharing a sector with the company (the newest
/// [`COMPANY_CANDIDATES`]), ranked by how many of its sectors they cover and whether they target its
/// country.
const COMPANY_MATCHES: &str = concat!(
    "
WITH company AS (
    SELECT id, sectors, country FROM companies WHERE id = $1
),
newest AS MATERIALIZED (
    SELECT e.offer_id, max(e.created_at) AS created_at
    FROM company c
    CROSS JOIN LATERAL unnest(c.sectors) AS s (sector)
    CROSS JOIN LATERAL (
        SELECT e.offer_id, e.created_at
        FROM cooperation_offer_sectors e
        WHERE e.sector = s.sector AND e.company_id <> c.id
          AND (e.valid_until IS NULL OR e.valid_until >= $2)
        ORDER BY e.created_at DESC, e.offer_id DESC
        LIMIT $4
    ) e
    GROUP BY e.offer_id
    ORDER BY created_at DESC, e.offer_id DESC
    LIMIT $4
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
    LIMIT $3
)
SELECT ",
    offer_columns!(),
    ",
       r.score,
       r.sector_overlap,
       r.country_fit,
       '{}'::text[] AS shared_types,
       0::float8 AS text_similarity
FROM ranked r
JOIN cooperation_offers m ON m.id = r.id
ORDER BY r.score DESC, r.created_at DESC, r.id DESC"
);

/// Prepared once per connection (see [`coop_store::db::prepared`]): planning them took longer
/// than running them.
static OFFER_MATCHES_SQL: LazyLock<Sql> = LazyLock::new(|| Sql::new(OFFER_MATCHES));
static COMPANY_MATCHES_SQL: LazyLock<Sql> = LazyLock::new(|| Sql::new(COMPANY_MATCHES));

pub async fn for_offer(
    conn: &mut AsyncPgConnection,
    offer_id: Uuid,
    complement: OfferKind,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<MatchRow>> {
    let kind: &'static str = complement.into();
    OFFER_MATCHES_SQL
        .bind(vec![
            Bind::Uuid(offer_id),
            Bind::Text(kind),
            Bind::Date(today),
            Bind::Integer(i32::try_from(limit).unwrap_or(100)),
            Bind::Integer(OFFER_CANDIDATES),
        ])
        .load(conn)
        .await
}

pub async fn for_company(
    conn: &mut AsyncPgConnection,
    company_id: Uuid,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<MatchRow>> {
    COMPANY_MATCHES_SQL
        .bind(vec![
            Bind::Uuid(company_id),
            Bind::Date(today),
            Bind::Integer(i32::try_from(limit).unwrap_or(100)),
            Bind::Integer(COMPANY_CANDIDATES),
        ])
        .load(conn)
        .await
}
