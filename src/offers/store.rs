//! Cooperation offer queries.

use chrono::{DateTime, NaiveDate, Utc};
use coop_domain::offers::{CooperationType, OfferKind, OfferStatus};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::types::{FacetCounter, OfferFacets, OfferFilter, OfferRow, OfferSort, StatusFilter};
use crate::auth::Scope;
use coop_store::schema::{
    companies, cooperation_offer_markets, cooperation_offer_sectors, cooperation_offers,
};

/// The columns an update may change (all but the id, the owner and the creation time), as
/// `column = value` pairs for both the insert and the update.
macro_rules! offer_changes {
    ($row:expr) => {{
        use cooperation_offers::dsl as o;
        let row: &OfferRow = $row;
        (
            o::kind.eq(row.kind),
            o::cooperation_types.eq(&row.cooperation_types),
            o::title.eq(&row.title),
            o::summary.eq(&row.summary),
            o::description.eq(&row.description),
            o::sectors.eq(&row.sectors),
            o::target_countries.eq(&row.target_countries),
            o::language.eq(&row.language),
            o::status.eq(row.status),
            o::published_at.eq(row.published_at),
            o::valid_until.eq(row.valid_until),
            o::event_id.eq(row.event_id),
            o::search_text.eq(&row.search_text),
            o::search_body.eq(&row.search_body),
            o::updated_at.eq(row.updated_at),
        )
    }};
}

/// The insert of one offer, column by column: diesel's derived `Insertable` marks every
/// statement it builds as not reusable (any field could be `DEFAULT`), so `.values(row)`
/// was parsed and planned by PostgreSQL on every create.
macro_rules! insert_offer {
    ($row:expr) => {{
        use cooperation_offers::dsl as o;
        let row: &OfferRow = $row;
        diesel::insert_into(cooperation_offers::table)
            .values((
                o::id.eq(row.id),
                o::company_id.eq(row.company_id),
                o::created_at.eq(row.created_at),
                offer_changes!(row),
            ))
            .returning(OfferRow::as_returning())
    }};
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &OfferRow) -> QueryResult<OfferRow> {
    insert_offer!(row).get_result(conn).await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<OfferRow> {
    cooperation_offers::table
        .find(id)
        .select(OfferRow::as_select())
        .first(conn)
        .await
}

/// Reads an offer and keeps it from changing until the transaction ends (an interest being
/// expressed relies on its state).
pub async fn find_for_share(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<OfferRow> {
    cooperation_offers::table
        .find(id)
        .select(OfferRow::as_select())
        .for_share()
        .first(conn)
        .await
}

pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<OfferRow> {
    cooperation_offers::table
        .find(id)
        .select(OfferRow::as_select())
        .for_update()
        .first(conn)
        .await
}

pub async fn update(conn: &mut AsyncPgConnection, row: &OfferRow) -> QueryResult<OfferRow> {
    diesel::update(cooperation_offers::table.find(row.id))
        .set(offer_changes!(row))
        .returning(OfferRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(cooperation_offers::table.find(id))
        .execute(conn)
        .await
}

/// The list filters, on any boxed query that has the offers table in its FROM clause. With
/// `markets`, the query reads `cooperation_offer_markets`, which already holds only listed
/// offers of the sector and target country: repeating those conditions on the offers would
/// make the planner think the join yields almost nothing and pick a plan that reads every
/// match.
macro_rules! offer_filters {
    ($query:expr, $filter:expr, $today:expr, markets: $markets:expr) => {{
        use cooperation_offers::dsl as o;
        let (filter, today): (&OfferFilter, NaiveDate) = ($filter, $today);
        let mut query = $query;
        if let Some(company_id) = filter.company_id {
            query = query.filter(o::company_id.eq(company_id));
        }
        if let Some(country) = &filter.company_country {
            query = query.filter(
                o::company_id.eq_any(
                    companies::table
                        .filter(companies::country.eq(country.clone()))
                        .select(companies::id),
                ),
            );
        }
        if let Some(kind) = filter.kind {
            query = query.filter(o::kind.eq(kind));
        }
        if let Some(t) = filter.cooperation_type {
            query = query.filter(o::cooperation_types.contains(vec![t]));
        }
        if let (false, Some(sector)) = ($markets, &filter.sector) {
            query = query.filter(o::sectors.contains(vec![sector.clone()]));
        }
        if let (false, Some(country)) = ($markets, &filter.target_country) {
            query = query.filter(o::target_countries.contains(vec![country.clone()]));
        }
        if let Some(event_id) = filter.event_id {
            query = query.filter(o::event_id.eq(event_id));
        }
        if let Some(q) = &filter.q {
            query = query.filter(coop_store::search_condition!(q, o::search_vector));
        }
        let not_expired = o::valid_until.is_null().or(o::valid_until.ge(today));
        let query = match filter.status {
            StatusFilter::Published if $markets => query,
            StatusFilter::Published => query
                .filter(o::status.eq(OfferStatus::Published))
                .filter(not_expired),
            StatusFilter::Expired => query
                .filter(o::status.eq(OfferStatus::Published))
                .filter(o::valid_until.lt(today)),
            StatusFilter::Draft => query.filter(o::status.eq(OfferStatus::Draft)),
            StatusFilter::Closed => query.filter(o::status.eq(OfferStatus::Closed)),
            StatusFilter::Any => query,
        };
        // Unlisted offers only for those who may see them; the default (listed) needs nothing.
        let listed = o::status
            .eq(OfferStatus::Published)
            .and(o::valid_until.is_null().or(o::valid_until.ge(today)));
        match (filter.status, filter.scope) {
            (StatusFilter::Published, _) | (_, Scope::All) => query,
            (_, Scope::Public) => query.filter(listed),
            (_, Scope::Company(company)) => query.filter(o::company_id.eq(company).or(listed)),
        }
    }};
}

/// Keyset position and order by (`$created_at`, `$id`), then the page size.
macro_rules! offer_page {
    ($query:expr, $sort:expr, $after:expr, $limit:expr, $created_at:expr, $id:expr) => {{
        let mut query = $query;
        query = match ($sort, $after) {
            (_, None) => query,
            (OfferSort::CreatedAtDesc, Some((at, id))) => {
                query.filter(coop_store::keyset_after!($created_at, $id, at, id, desc))
            }
            (OfferSort::CreatedAt, Some((at, id))) => {
                query.filter(coop_store::keyset_after!($created_at, $id, at, id, asc))
            }
        };
        query = match $sort {
            OfferSort::CreatedAtDesc => query.order(($created_at.desc(), $id.desc())),
            OfferSort::CreatedAt => query.order(($created_at.asc(), $id.asc())),
        };
        query.limit($limit + 1)
    }};
}

/// One page of offers, `limit + 1` rows, newest or oldest first.
///
/// Listed offers of one sector for one target country (the marketplace's main question) are
/// read through `cooperation_offer_markets`, whose index yields them in order (through the
/// `cooperation_offers_in_market` function when no other filter applies, see its migration);
/// every other combination of filters reads the offers table.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &OfferFilter,
    sort: OfferSort,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
    today: NaiveDate,
) -> QueryResult<Vec<OfferRow>> {
    use cooperation_offer_markets::dsl as m;
    use cooperation_offers::dsl as o;
    match (&filter.sector, &filter.target_country, filter.status) {
        (Some(sector), Some(country), StatusFilter::Published) if filter.only_market() => {
            let (after_at, after_id) = after.unzip();
            InMarket {
                sector: sector.clone(),
                country: country.clone(),
                today,
                descending: sort == OfferSort::CreatedAtDesc,
                after_at,
                after_id,
                limit: i32::try_from(limit + 1).unwrap_or(i32::MAX),
            }
            .load(conn)
            .await
        }
        (Some(sector), Some(country), StatusFilter::Published) => {
            let query = cooperation_offers::table
                .inner_join(cooperation_offer_markets::table.on(m::offer_id.eq(o::id)))
                .select(OfferRow::as_select())
                .filter(m::sector.eq(sector.clone()))
                .filter(m::target_country.eq(country.clone()))
                .filter(m::valid_until.is_null().or(m::valid_until.ge(today)))
                .into_boxed();
            let query = offer_filters!(query, filter, today, markets: true);
            offer_page!(query, sort, after, limit, m::created_at, m::offer_id)
                .load(conn)
                .await
        }
        _ => {
            let query = cooperation_offers::table
                .select(OfferRow::as_select())
                .into_boxed();
            let query = offer_filters!(query, filter, today, markets: false);
            offer_page!(query, sort, after, limit, o::created_at, o::id)
                .load(conn)
                .await
        }
    }
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
            .filter(t::valid_until.is_null().or(t::valid_until.ge($today)))
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
                let query = offer_filters!(query, filter, today, markets: false);
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

/// `SELECT * FROM cooperation_offers_in_market(...)` as a query diesel prepares once per
/// connection (`sql_query` text is never cached, so every call would be parsed and planned).
#[derive(Debug, Clone)]
struct InMarket {
    sector: String,
    country: String,
    today: NaiveDate,
    descending: bool,
    after_at: Option<DateTime<Utc>>,
    after_id: Option<Uuid>,
    limit: i32,
}

impl diesel::query_builder::QueryId for InMarket {
    type QueryId = InMarket;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for InMarket {
    type SqlType = diesel::sql_types::Untyped;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for InMarket {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Bool, Date, Integer, Nullable, Text, Timestamptz};
        out.push_sql("SELECT * FROM cooperation_offers_in_market(");
        out.push_bind_param::<Text, _>(&self.sector)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.country)?;
        out.push_sql(", ");
        out.push_bind_param::<Date, _>(&self.today)?;
        out.push_sql(", ");
        out.push_bind_param::<Bool, _>(&self.descending)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Timestamptz>, _>(&self.after_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<diesel::sql_types::Uuid>, _>(&self.after_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Integer, _>(&self.limit)?;
        out.push_sql(")");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use coop_domain::offers::{CooperationType, OfferKind};
    use diesel::query_builder::QueryFragment;

    #[test]
    fn the_insert_is_prepared_once_per_connection() {
        let now = Utc::now();
        let row = OfferRow {
            id: Uuid::now_v7(),
            company_id: Uuid::now_v7(),
            kind: OfferKind::TechnologyOffer,
            cooperation_types: vec![CooperationType::Licensing],
            title: "Exoskeletons".into(),
            summary: None,
            description: None,
            sectors: vec!["medtech".into()],
            target_countries: vec!["FR".into()],
            language: None,
            status: OfferStatus::Published,
            published_at: Some(now),
            valid_until: None,
            event_id: None,
            search_text: "exoskeletons".into(),
            search_body: String::new(),
            created_at: now,
            updated_at: now,
        };
        let safe = insert_offer!(&row).is_safe_to_cache_prepared(&diesel::pg::Pg);
        assert!(matches!(safe, Ok(true)), "{safe:?}");
    }
}
