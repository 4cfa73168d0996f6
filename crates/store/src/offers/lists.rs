//! The offer lists: their filters on any query that reads the offers, and one page of a list,
//! read through a table of listed offers when the filters name its key.

use chrono::{DateTime, NaiveDate, Utc};
use coop_domain::access::Scope;
use coop_domain::offers::{OfferSort, OfferStatus, StatusFilter};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::listed::{ItemsIn, Keyed, ListedIn, OfferItem, PageArguments};
use super::{Held, OfferFilter, OfferRow, coop_offer_unexpired};
use crate::listing::keyset_after;
use crate::schema::{
    companies, cooperation_offer_markets, cooperation_offer_origins, cooperation_offer_sectors,
    cooperation_offers,
};

/// The list filters, on any boxed query that has the offers table in its FROM clause, but
/// those `held` by the table of listed offers the query reads through (see [`Held`]):
/// repeating those conditions on the offers would make the planner think the join yields
/// almost nothing and pick a plan that reads every match.
///
/// A macro rather than a function generic over the FROM clause: as a function it needs a
/// diesel bound for each offer column it reads and for the `company_country` subquery on
/// each join it serves, longer than the body.
macro_rules! offer_filters {
    ($query:expr, $filter:expr, $today:expr, held: $held:expr) => {{
        use cooperation_offers::dsl as o;
        let (filter, today, held): (&OfferFilter, NaiveDate, $crate::offers::Held) =
            ($filter, $today, $held);
        let mut query = $query;
        if let Some(company_id) = filter.company_id {
            query = query.filter(o::company_id.eq(company_id));
        }
        if let (false, Some(country)) = (held.company_country, &filter.company_country) {
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
        if let (false, Some(sector)) = (held.sector, &filter.sector) {
            query = query.filter(o::sectors.contains(vec![sector.clone()]));
        }
        if let (false, Some(country)) = (held.target_country, &filter.target_country) {
            query = query.filter(o::target_countries.contains(vec![country.clone()]));
        }
        if let Some(event_id) = filter.event_id {
            query = query.filter(o::event_id.eq(event_id));
        }
        if let Some(q) = &filter.q {
            query = query.filter(crate::search_sql::text_matches(q, o::search_vector));
        }
        if let Some(since) = filter.updated_since {
            query = query.filter(o::updated_at.ge(since));
        }
        if let Some(external_id) = &filter.external_id {
            query = query.filter(o::external_id.eq(external_id.clone()));
        }
        // Listed: published and not expired (`OfferState::is_listed` in Rust).
        let listed = || {
            o::status
                .eq(OfferStatus::Published)
                .and($crate::offers::coop_offer_unexpired(o::valid_until, today))
        };
        let query = match filter.status {
            StatusFilter::Published if held.listed() => query,
            StatusFilter::Published => query.filter(listed()),
            StatusFilter::Expired => query
                .filter(o::status.eq(OfferStatus::Published))
                .filter(o::valid_until.lt(today)),
            StatusFilter::Draft => query.filter(o::status.eq(OfferStatus::Draft)),
            StatusFilter::Closed => query.filter(o::status.eq(OfferStatus::Closed)),
            StatusFilter::Any => query,
        };
        // Unlisted offers only for those who may see them; the default (listed) needs nothing.
        match (filter.status, filter.scope) {
            (StatusFilter::Published, _) | (_, Scope::All) => query,
            (_, Scope::Public) => query.filter(listed()),
            (_, Scope::Company(company)) => query.filter(o::company_id.eq(company).or(listed())),
        }
    }};
}

/// One page of a list read through a table of listed offers kept in list order (`$keys`,
/// with `created_at`, `offer_id` and `valid_until` columns and an index that yields its
/// `$conditions`' rows in that order), with other filters: those conditions, then the offers'
/// other filters, and the order of the table's own columns.
macro_rules! listed_page {
    ($keys:ident, $conditions:expr, held: $held:expr, $filter:expr, $after:expr, $descending:expr,
     $limit:expr, $today:expr, $conn:expr) => {{
        let (filter, today): (&OfferFilter, NaiveDate) = ($filter, $today);
        let mut query = cooperation_offers::table
            .inner_join($keys::table.on($keys::offer_id.eq(cooperation_offers::id)))
            .select(OfferRow::as_select())
            .filter($conditions)
            .filter(coop_offer_unexpired($keys::valid_until, today))
            .into_boxed();
        query = offer_filters!(query, filter, today, held: $held);
        if let Some((at, id)) = $after {
            query = query.filter(keyset_after(
                $keys::created_at,
                $keys::offer_id,
                at,
                id,
                $descending,
            ));
        }
        let query = if $descending {
            query.order(($keys::created_at.desc(), $keys::offer_id.desc()))
        } else {
            query.order(($keys::created_at.asc(), $keys::offer_id.asc()))
        };
        query.limit($limit + 1).load($conn).await
    }};
}

/// A page of offers as the list reads them: rows, or the items a table of listed offers
/// keeps ready to serve.
#[derive(Debug)]
pub enum Listed {
    Rows(Vec<OfferRow>),
    Items(Vec<OfferItem>),
}

/// One page of offers for the offer list, `limit + 1` of them: all the listed offers of a
/// market, a sector or a company's country by creation, with no other filter, as the items
/// their table keeps (`cooperation_offer_items_in_market`, `_in_sector`, `_from_country`);
/// any other list as rows ([`list`]).
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &OfferFilter,
    sort: OfferSort,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
    today: NaiveDate,
) -> QueryResult<Listed> {
    match filter.only_keyed(sort) {
        Some(list) => ItemsIn {
            list,
            page: PageArguments::new(today, sort.descending(), after, limit),
        }
        .load(conn)
        .await
        .map(Listed::Items),
        None => list(conn, filter, sort, after, limit, today)
            .await
            .map(Listed::Rows),
    }
}

/// One page of offers, `limit + 1` rows, by creation or by last change, either way.
///
/// Listed offers by creation are read through a table that holds them in that order, when the
/// filters name its key: `cooperation_offer_markets` for a sector and a target country (the
/// marketplace's main question), `cooperation_offer_sectors` for a sector,
/// `cooperation_offer_origins` for the company's country. With no other filter, through the
/// table's function ([`ListedIn`]); with others, joined to the offers. Every other
/// combination of filters reads the offers table.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &OfferFilter,
    sort: OfferSort,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
    today: NaiveDate,
) -> QueryResult<Vec<OfferRow>> {
    use cooperation_offers::dsl as o;
    let descending = sort.descending();
    match filter.read_through(sort) {
        Some(list) if filter.narrowed_only_by(list.held()) => {
            ListedIn {
                columns: OfferRow::as_select(),
                list,
                page: PageArguments::new(today, descending, after, limit),
            }
            .load(conn)
            .await
        }
        Some(list @ Keyed::Market(sector, country)) => {
            use cooperation_offer_markets as m;
            listed_page!(
                m,
                m::sector.eq(sector).and(m::target_country.eq(country)),
                held: list.held(),
                filter, after, descending, limit, today, conn
            )
        }
        Some(list @ Keyed::Sector(sector)) => {
            use cooperation_offer_sectors as s;
            listed_page!(
                s,
                s::sector.eq(sector),
                held: list.held(),
                filter, after, descending, limit, today, conn
            )
        }
        Some(list @ Keyed::Origin(country)) => {
            use cooperation_offer_origins as r;
            listed_page!(
                r,
                r::company_country.eq(country),
                held: list.held(),
                filter, after, descending, limit, today, conn
            )
        }
        None => {
            let by_creation = !sort.by_update();
            let mut query = cooperation_offers::table
                .select(OfferRow::as_select())
                .into_boxed();
            query = offer_filters!(query, filter, today, held: Held::NOTHING);
            if let Some((at, id)) = after {
                query = if by_creation {
                    query.filter(keyset_after(o::created_at, o::id, at, id, descending))
                } else {
                    query.filter(keyset_after(o::updated_at, o::id, at, id, descending))
                };
            }
            let query = match (by_creation, descending) {
                (true, true) => query.order((o::created_at.desc(), o::id.desc())),
                (true, false) => query.order((o::created_at.asc(), o::id.asc())),
                (false, true) => query.order((o::updated_at.desc(), o::id.desc())),
                (false, false) => query.order((o::updated_at.asc(), o::id.asc())),
            };
            query.limit(limit + 1).load(conn).await
        }
    }
}
