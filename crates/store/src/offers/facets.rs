//! The facets of an offer list: how many offers have each value of each filterable field.

use std::collections::HashMap;

use chrono::NaiveDate;
use coop_domain::access::Scope;
use coop_domain::offers::{CooperationType, OfferKind, OfferStatus, StatusFilter};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;

use super::OfferFilter;
use crate::schema::{
    companies, cooperation_offer_markets, cooperation_offer_sectors, cooperation_offers,
};

/// How many offers have one value of a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

/// Counts of the offers a list filter selects, per value of each filterable field, most
/// frequent first (then by value). Each field is named after its list parameter, so a value
/// goes straight back as a filter. An offer with several sectors (or cooperation types,
/// target countries) counts once under each.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[schema(example = json!({
    "total": 3,
    "kind": [{"value": "technology_offer", "count": 2}, {"value": "business_request", "count": 1}],
    "sector": [{"value": "medtech", "count": 2}, {"value": "healthcare", "count": 1}],
    "cooperation_type": [{"value": "distribution", "count": 2}],
    "target_country": [{"value": "FR", "count": 3}],
    "company_country": [{"value": "RU", "count": 3}]
}))]
pub struct OfferFacets {
    /// Offers selected.
    pub total: i64,
    pub kind: Vec<FacetCount>,
    pub sector: Vec<FacetCount>,
    pub cooperation_type: Vec<FacetCount>,
    pub target_country: Vec<FacetCount>,
    pub company_country: Vec<FacetCount>,
}

/// Running counts of the facet fields, one offer at a time.
#[derive(Debug, Default)]
pub struct FacetCounter {
    total: i64,
    kind: HashMap<&'static str, i64>,
    cooperation_type: HashMap<&'static str, i64>,
    sector: HashMap<String, i64>,
    target_country: HashMap<String, i64>,
    company_country: HashMap<String, i64>,
}

impl FacetCounter {
    pub fn add(&mut self, row: FacetRow) {
        let (kind, sectors, types, targets, country) = row;
        self.total += 1;
        *self.kind.entry(kind.into()).or_default() += 1;
        for t in types {
            *self.cooperation_type.entry(t.into()).or_default() += 1;
        }
        for s in sectors {
            *self.sector.entry(s).or_default() += 1;
        }
        for t in targets {
            *self.target_country.entry(t).or_default() += 1;
        }
        *self.company_country.entry(country).or_default() += 1;
    }

    pub fn finish(self) -> OfferFacets {
        OfferFacets {
            total: self.total,
            kind: ranked(self.kind),
            sector: ranked(self.sector),
            cooperation_type: ranked(self.cooperation_type),
            target_country: ranked(self.target_country),
            company_country: ranked(self.company_country),
        }
    }
}

impl OfferFacets {
    /// The facets from counts already made, as `(facet, value, count)` with the facets named
    /// like the fields (`total` with any value for the total). Zero counts are left out, as
    /// the list would return no offer for them.
    pub fn from_counts(counts: impl IntoIterator<Item = (String, String, i64)>) -> Self {
        let mut total = 0;
        let mut fields: [HashMap<String, i64>; 5] = Default::default();
        for (facet, value, count) in counts {
            let field = match facet.as_str() {
                "total" => {
                    total += count;
                    continue;
                }
                "kind" => 0,
                "sector" => 1,
                "cooperation_type" => 2,
                "target_country" => 3,
                "company_country" => 4,
                _ => continue,
            };
            *fields[field].entry(value).or_default() += count;
        }
        let [
            kind,
            sector,
            cooperation_type,
            target_country,
            company_country,
        ] = fields.map(|counts| ranked(counts.into_iter().filter(|(_, n)| *n > 0).collect()));
        OfferFacets {
            total,
            kind,
            sector,
            cooperation_type,
            target_country,
            company_country,
        }
    }
}

/// Counts most frequent first, then by value.
fn ranked<K: Into<String>>(counts: HashMap<K, i64>) -> Vec<FacetCount> {
    let mut counts: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount {
            value: value.into(),
            count,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    counts
}

/// What the facets count, per offer: kind, sectors, cooperation types, target countries and
/// the company's country.
pub type FacetRow = (
    OfferKind,
    Vec<String>,
    Vec<CooperationType>,
    Vec<String>,
    String,
);

/// The facet fields of the listed offers in `$table` (`cooperation_offer_sectors` or
/// `cooperation_offer_markets`, which carry them), with the owner's country, under the filters
/// these tables have in common; the caller adds its key.
macro_rules! listed_facet_rows {
    ($table:ident, $filter:expr, $today:expr, $owner:expr, $country:expr) => {{
        use $table::dsl as t;
        let mut query = $table::table
            .inner_join($owner.on($owner.field(companies::id).eq(t::company_id)))
            .select((
                t::kind,
                t::sectors,
                t::cooperation_types,
                t::target_countries,
                $country,
            ))
            .filter($crate::offers::coop_offer_unexpired(t::valid_until, $today))
            .into_boxed();
        if let Some(company_id) = $filter.company_id {
            query = query.filter(t::company_id.eq(company_id));
        }
        if let Some(code) = &$filter.company_country {
            query = query.filter($country.eq(code.clone()));
        }
        if let Some(kind) = $filter.kind {
            query = query.filter(t::kind.eq(kind));
        }
        if let Some(wanted) = $filter.cooperation_type {
            query = query.filter(t::cooperation_types.contains(vec![wanted]));
        }
        query
    }};
}

/// Counts the facet fields of every offer the list filters select (all of them, not a page),
/// row by row as they arrive: holding them all took 190 MiB with four requests at once.
///
/// Listed offers of a market (a sector and a target country) are read from
/// `cooperation_offer_markets`, of a sector from `cooperation_offer_sectors`: both carry the
/// facet fields in their index (one range, no offer row read); other filters read
/// the offers (listed ones from `cooperation_offers_listed_facets_idx` when the filter's
/// columns are all in it). The whole market has its own counts: [`market_facet_counts`].
pub async fn facet_counts(
    conn: &mut AsyncPgConnection,
    filter: &OfferFilter,
    today: NaiveDate,
) -> QueryResult<OfferFacets> {
    use cooperation_offers::dsl as o;
    // An alias, as the `company_country` filter reads `companies` in a subquery.
    let owner = diesel::alias!(companies as owner);
    let country = owner.field(companies::country);
    let listed_only =
        filter.status == StatusFilter::Published && filter.event_id.is_none() && filter.q.is_none();
    match (&filter.sector, &filter.target_country) {
        (Some(sector), Some(target)) if listed_only => {
            use cooperation_offer_markets::dsl as m;
            let query =
                listed_facet_rows!(cooperation_offer_markets, filter, today, owner, country)
                    .filter(m::sector.eq(sector.clone()))
                    .filter(m::target_country.eq(target.clone()));
            count_facets(query.load_stream::<FacetRow>(conn).await?).await
        }
        (Some(sector), target) if listed_only => {
            use cooperation_offer_sectors::dsl as s;
            let mut query =
                listed_facet_rows!(cooperation_offer_sectors, filter, today, owner, country)
                    .filter(s::sector.eq(sector.clone()));
            if let Some(code) = target {
                query = query.filter(s::target_countries.contains(vec![code.clone()]));
            }
            count_facets(query.load_stream::<FacetRow>(conn).await?).await
        }
        _ => {
            use diesel_async::AsyncConnection;
            let count = async |conn: &mut AsyncPgConnection| {
                let query = cooperation_offers::table
                    .inner_join(owner.on(owner.field(companies::id).eq(o::company_id)))
                    .select((
                        o::kind,
                        o::sectors,
                        o::cooperation_types,
                        o::target_countries,
                        country,
                    ))
                    .into_boxed();
                let query = offer_filters!(query, filter, today, held: super::Held::NOTHING);
                count_facets(query.load_stream::<FacetRow>(conn).await?).await
            };
            if filter.q.is_none() {
                return count(conn).await;
            }
            // The rows of a word come from its index, even when it is in half of them: the
            // planner then prefers to read the whole table, checking every row's text (5 s
            // for "robotics" at a million offers, 1.8 s from the index). The list of rows to
            // read must fit in memory, or every row of a page is checked again (5 s too).
            // Both settings for this transaction only.
            conn.transaction::<_, diesel::result::Error, _>(async |conn| {
                diesel::sql_query(
                    "SELECT set_config('enable_seqscan', 'off', true), \
                            set_config('work_mem', '64MB', true)",
                )
                .execute(conn)
                .await?;
                count(conn).await
            })
            .await
        }
    }
}

async fn count_facets(
    rows: impl futures_util::Stream<Item = QueryResult<FacetRow>>,
) -> QueryResult<OfferFacets> {
    use futures_util::TryStreamExt;
    let counts = rows
        .try_fold(FacetCounter::default(), |mut counts, row| async move {
            counts.add(row);
            Ok(counts)
        })
        .await?;
    Ok(counts.finish())
}

/// Folds the changes the triggers appended into the market's counts (nothing when another
/// session is folding).
pub async fn fold_market_counts(conn: &mut AsyncPgConnection, today: NaiveDate) -> QueryResult<()> {
    diesel::sql_query("SELECT cooperation_offer_counts_fold($1)")
        .bind::<diesel::sql_types::Date, _>(today)
        .execute(conn)
        .await?;
    Ok(())
}

/// One row of the market's counts (see [`market_facet_counts`]).
#[derive(QueryableByName)]
struct MarketCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    facet: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    offers: i64,
}

/// The facets of the whole market (every listed offer) from the counts the triggers of
/// migration 000009 keep, after folding the changes appended since the last call: a few
/// thousand rows whatever the number of offers, where [`facet_counts`] reads every offer.
pub async fn market_facet_counts(
    conn: &mut AsyncPgConnection,
    today: NaiveDate,
) -> QueryResult<OfferFacets> {
    use diesel::sql_types::Date;
    fold_market_counts(conn, today).await?;
    let counts: Vec<MarketCount> = diesel::sql_query(
        "SELECT facet, value, sum(offers)::bigint AS offers
         FROM (SELECT facet, value, offers FROM cooperation_offer_counts WHERE valid_until >= $1
               UNION ALL
               SELECT facet, value, offers FROM cooperation_offer_count_changes WHERE valid_until >= $1) AS c
         GROUP BY facet, value",
    )
    .bind::<Date, _>(today)
    .load(conn)
    .await?;
    Ok(OfferFacets::from_counts(
        counts.into_iter().map(|c| (c.facet, c.value, c.offers)),
    ))
}
