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

use crate::db::prepared::{Bind, Params, Sql};
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

/// How many candidates (the newest) a match query scores: with a million offers, one sector
/// can be shared by tens of thousands, and scoring all of them would take seconds. An offer's
/// candidates cost more (each is compared with the offer's title, and its company's country
/// is looked up): 1,000 took 26 ms, 300 take 10 ms at 100,000 offers.
pub const OFFER_CANDIDATES: i32 = 300;
pub const COMPANY_CANDIDATES: i32 = 1000;

/// Prepared once per connection (see [`crate::db::prepared`]): planning them took longer
/// than running them.
pub(crate) static OFFER_MATCHES: LazyLock<Sql> =
    LazyLock::new(|| Sql::new(include_str!("../sql/offer_matches.sql")));
pub(crate) static COMPANY_MATCHES: LazyLock<Sql> =
    LazyLock::new(|| Sql::new(include_str!("../sql/company_matches.sql")));

/// The parameters of `offer_matches.sql` (`offer_id`, `kind`) and `company_matches.sql`
/// (`company_id`).
struct MatchParams<'a> {
    /// The offer or the company whose matches are asked for.
    id: Uuid,
    /// The kind that complements the offer's.
    kind: &'a str,
    today: NaiveDate,
    limit: i32,
    candidates: i32,
}

impl Params for MatchParams<'_> {
    fn value(&self, name: &str) -> Option<Bind<'_>> {
        Some(match name {
            "offer_id" | "company_id" => Bind::Uuid(self.id),
            "kind" => Bind::Text(self.kind),
            "today" => Bind::Date(self.today),
            "limit" => Bind::Integer(self.limit),
            "candidates" => Bind::Integer(self.candidates),
            _ => return None,
        })
    }
}

pub async fn for_offer(
    conn: &mut AsyncPgConnection,
    offer_id: Uuid,
    complement: OfferKind,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<MatchRow>> {
    let params = MatchParams {
        id: offer_id,
        kind: complement.into(),
        today,
        limit: i32::try_from(limit).unwrap_or(100),
        candidates: OFFER_CANDIDATES,
    };
    OFFER_MATCHES.bind(&params).load(conn).await
}

pub async fn for_company(
    conn: &mut AsyncPgConnection,
    company_id: Uuid,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<MatchRow>> {
    let params = MatchParams {
        id: company_id,
        kind: "",
        today,
        limit: i32::try_from(limit).unwrap_or(100),
        candidates: COMPANY_CANDIDATES,
    };
    COMPANY_MATCHES.bind(&params).load(conn).await
}
