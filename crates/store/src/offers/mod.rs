//! Cooperation offers as stored, and their queries.

use chrono::{DateTime, NaiveDate, Utc};
use coop_domain::access::{Caller, Scope};
use coop_domain::offers::{
    CooperationType, OfferKind, OfferSort, OfferState, OfferStatus, StatusFilter,
};
use coop_domain::search::SearchText;
use coop_domain::text;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

mod listed;

use crate::listing::keyset_after;
use crate::schema::{
    companies, cooperation_offer_markets, cooperation_offer_origins, cooperation_offer_sectors,
    cooperation_offers,
};
use crate::search_sql::SearchColumns;
pub use listed::OfferItem;
use listed::{Keyed, ListedIn, MarketItems};

/// An offer as stored.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = crate::schema::cooperation_offers)]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct OfferRow {
    pub id: Uuid,
    #[diesel(skip_update)]
    pub company_id: Uuid,
    pub kind: OfferKind,
    pub cooperation_types: Vec<CooperationType>,
    pub title: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub sectors: Vec<String>,
    pub target_countries: Vec<String>,
    pub language: Option<String>,
    pub status: OfferStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub valid_until: Option<NaiveDate>,
    pub event_id: Option<Uuid>,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The integrator's reference, unique within the company.
    pub external_id: Option<String>,
}

/// The sort key of a row in a list sorted by `sort` (the keyset position with its id).
pub trait SortKey {
    fn key_of(self, row: &OfferRow) -> DateTime<Utc>;
}

impl SortKey for OfferSort {
    fn key_of(self, row: &OfferRow) -> DateTime<Utc> {
        if self.by_update() {
            row.updated_at
        } else {
            row.created_at
        }
    }
}

impl OfferRow {
    /// Listed offers (published, unexpired) are public; the rest only for the company's key,
    /// editors and admins.
    pub fn is_visible_to(&self, caller: &Caller, today: NaiveDate) -> bool {
        self.state(today) == OfferState::Published || caller.sees_private_of(Some(self.company_id))
    }

    pub fn state(&self, today: NaiveDate) -> OfferState {
        OfferState::of(self.status, self.valid_until, today)
    }
}

/// A valid offer, ready to store.
#[derive(Debug, Clone)]
pub struct OfferDraft {
    pub company_id: Uuid,
    pub kind: OfferKind,
    pub cooperation_types: Vec<CooperationType>,
    pub title: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub sectors: Vec<String>,
    pub target_countries: Vec<String>,
    pub language: Option<String>,
    pub status: OfferStatus,
    pub valid_until: Option<NaiveDate>,
    pub event_id: Option<Uuid>,
    pub external_id: Option<String>,
}

impl OfferDraft {
    /// The row to store. `published_at` is kept from `previous` or set now on publication.
    pub fn into_row(
        self,
        id: Uuid,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
        previous_published_at: Option<DateTime<Utc>>,
    ) -> OfferRow {
        let published_at = match self.status {
            OfferStatus::Draft => None,
            _ => previous_published_at.or(Some(now)),
        };
        OfferRow {
            id,
            company_id: self.company_id,
            kind: self.kind,
            cooperation_types: self.cooperation_types,
            title: self.title,
            summary: self.summary,
            description: self.description,
            sectors: self.sectors,
            target_countries: self.target_countries,
            language: self.language,
            status: self.status,
            published_at,
            valid_until: self.valid_until,
            event_id: self.event_id,
            created_at,
            updated_at: now,
            external_id: self.external_id,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    pub company_id: Option<Uuid>,
    pub company_country: Option<String>,
    pub kind: Option<OfferKind>,
    pub cooperation_type: Option<CooperationType>,
    pub sector: Option<String>,
    pub target_country: Option<String>,
    pub status: StatusFilter,
    pub event_id: Option<Uuid>,
    pub q: Option<SearchText>,
    /// Only the offer(s) with this external id.
    pub external_id: Option<String>,
    /// Only offers changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    /// Which unlisted offers (drafts, closed, expired) the caller may see.
    pub scope: Scope,
}

impl OfferFilter {
    /// True when the filter selects every listed offer, whoever asks.
    pub fn whole_market(&self) -> bool {
        self.status == StatusFilter::Published && self.narrowed_only_by(Held::NOTHING)
    }

    /// The sector and target country when the list is a market's listed offers by creation
    /// and no other filter narrows it.
    fn only_market(&self, sort: OfferSort) -> Option<(&str, &str)> {
        match (&self.sector, &self.target_country) {
            (Some(sector), Some(country))
                if !sort.by_update()
                    && self.status == StatusFilter::Published
                    && self.narrowed_only_by(Held::MARKET) =>
            {
                Some((sector, country))
            }
            _ => None,
        }
    }

    /// True when no filter but those `held` narrows the list (its status and the caller's
    /// scope aside).
    fn narrowed_only_by(&self, held: Held) -> bool {
        let OfferFilter {
            company_id,
            company_country,
            kind,
            cooperation_type,
            sector,
            target_country,
            status: _,
            event_id,
            q,
            external_id,
            updated_since,
            scope: _,
        } = self;
        company_id.is_none()
            && (held.company_country || company_country.is_none())
            && kind.is_none()
            && cooperation_type.is_none()
            && (held.sector || sector.is_none())
            && (held.target_country || target_country.is_none())
            && event_id.is_none()
            && q.is_none()
            && external_id.is_none()
            && updated_since.is_none()
    }
}

/// The filters that a table of listed offers kept in list order already applies: a list read
/// through it states only the others. Each such table holds listed (published, unexpired by
/// its `valid_until`) offers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Held {
    pub sector: bool,
    pub target_country: bool,
    pub company_country: bool,
}

impl Held {
    /// The offers table itself: it holds no filter.
    pub const NOTHING: Held = Held {
        sector: false,
        target_country: false,
        company_country: false,
    };
    /// `cooperation_offer_markets`: one sector and one target country.
    pub const MARKET: Held = Held {
        sector: true,
        target_country: true,
        company_country: false,
    };
    /// `cooperation_offer_sectors`: one sector.
    pub const SECTOR: Held = Held {
        sector: true,
        ..Held::NOTHING
    };
    /// `cooperation_offer_origins`: the company's country.
    pub const ORIGIN: Held = Held {
        company_country: true,
        ..Held::NOTHING
    };

    /// Whether the table holds listed offers only.
    pub fn listed(self) -> bool {
        self != Held::NOTHING
    }
}

/// The folded texts that search reads, derived from the row on every write (and never read
/// back: no response shows them).
pub(crate) fn search_columns(
    row: &OfferRow,
) -> SearchColumns<cooperation_offers::search_text, cooperation_offers::search_body> {
    (
        cooperation_offers::search_text.eq(text::fold(&row.title)),
        cooperation_offers::search_body.eq(text::fold_all(&[
            row.summary.as_deref(),
            row.description.as_deref(),
        ])),
    )
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &OfferRow) -> QueryResult<OfferRow> {
    diesel::insert_into(cooperation_offers::table)
        .values((row, search_columns(row)))
        .returning(OfferRow::as_returning())
        .get_result(conn)
        .await
}

/// Inserts in one statement those of `rows` whose company has no offer with their external
/// id yet, and returns the ids of the rows inserted (the others are left out, not replaced).
pub async fn insert_new(conn: &mut AsyncPgConnection, rows: &[OfferRow]) -> QueryResult<Vec<Uuid>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<_> = rows.iter().map(|row| (row, search_columns(row))).collect();
    diesel::insert_into(cooperation_offers::table)
        .values(values)
        .on_conflict((
            cooperation_offers::company_id,
            cooperation_offers::external_id,
        ))
        .do_nothing()
        .returning(cooperation_offers::id)
        .get_results(conn)
        .await
}

/// The offers among `ids` that exist, in no particular order (a feed page's resources, read
/// in one query instead of one each).
pub async fn find_many(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<OfferRow>> {
    cooperation_offers::table
        .filter(cooperation_offers::id.eq_any(ids))
        .select(OfferRow::as_select())
        .load(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<OfferRow> {
    cooperation_offers::table
        .find(id)
        .select(OfferRow::as_select())
        .first(conn)
        .await
}

/// The offer `id` if `caller` may see it (listed, or its company's key, or staff); `None`
/// when it does not exist or is hidden from the caller alike, so its existence is not
/// revealed. Used wherever an offer is read on a caller's behalf.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    id: Uuid,
    today: NaiveDate,
) -> QueryResult<Option<OfferRow>> {
    let row = find(conn, id).await.optional()?;
    Ok(row.filter(|row| row.is_visible_to(caller, today)))
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

/// The offer of `company_id` with this external id, locked until the end of the transaction
/// (an upsert reads, compares and writes it).
pub async fn find_by_external_id_for_update(
    conn: &mut AsyncPgConnection,
    company_id: Uuid,
    external_id: &str,
) -> QueryResult<Option<OfferRow>> {
    cooperation_offers::table
        .filter(cooperation_offers::company_id.eq(company_id))
        .filter(cooperation_offers::external_id.eq(external_id))
        .select(OfferRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn update(conn: &mut AsyncPgConnection, row: &OfferRow) -> QueryResult<OfferRow> {
    diesel::update(cooperation_offers::table.find(row.id))
        .set((row, search_columns(row)))
        .returning(OfferRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(cooperation_offers::table.find(id))
        .execute(conn)
        .await
}

diesel::define_sql_function! {
    /// Not expired on `today`: no `valid_until`, or not past it (migration 000012; its
    /// `coop_offer_listed` adds "published"). PostgreSQL inlines it into the query.
    fn coop_offer_unexpired(
        valid_until: diesel::sql_types::Nullable<diesel::sql_types::Date>,
        today: diesel::sql_types::Date,
    ) -> diesel::sql_types::Bool;
}

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

/// A page of offers as the list reads them: rows, or the items a market serves as they are.
#[derive(Debug)]
pub enum Listed {
    Rows(Vec<OfferRow>),
    Items(Vec<OfferItem>),
}

/// One page of offers for the offer list, `limit + 1` of them: a market's listed offers by
/// creation, with no other filter, as the items its table keeps ready
/// (`cooperation_offer_items_in_market`); any other list as rows ([`list`]).
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &OfferFilter,
    sort: OfferSort,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
    today: NaiveDate,
) -> QueryResult<Listed> {
    match filter.only_market(sort) {
        Some((sector, country)) => {
            let (after_at, after_id) = after.unzip();
            MarketItems {
                sector,
                country,
                today,
                descending: sort.descending(),
                after_at,
                after_id,
                limit: i32::try_from(limit + 1).unwrap_or(i32::MAX),
            }
            .load(conn)
            .await
            .map(Listed::Items)
        }
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
    let listed_by_creation = !sort.by_update() && filter.status == StatusFilter::Published;
    let (after_at, after_id) = after.unzip();
    let listed_in = |list: Keyed| ListedIn {
        columns: OfferRow::as_select(),
        list,
        today,
        descending,
        after_at,
        after_id,
        limit: i32::try_from(limit + 1).unwrap_or(i32::MAX),
    };
    match (
        &filter.sector,
        &filter.target_country,
        &filter.company_country,
    ) {
        (Some(sector), Some(country), _) if listed_by_creation => {
            if filter.only_market(sort).is_some() {
                let market = Keyed::Market(sector.clone(), country.clone());
                return listed_in(market).load(conn).await;
            }
            use cooperation_offer_markets as m;
            listed_page!(
                m,
                m::sector.eq(sector.clone()).and(m::target_country.eq(country.clone())),
                held: Held::MARKET,
                filter, after, descending, limit, today, conn
            )
        }
        (Some(sector), None, _) if listed_by_creation => {
            if filter.narrowed_only_by(Held::SECTOR) {
                return listed_in(Keyed::Sector(sector.clone())).load(conn).await;
            }
            use cooperation_offer_sectors as s;
            listed_page!(
                s,
                s::sector.eq(sector.clone()),
                held: Held::SECTOR,
                filter, after, descending, limit, today, conn
            )
        }
        (_, _, Some(country)) if listed_by_creation => {
            if filter.narrowed_only_by(Held::ORIGIN) {
                return listed_in(Keyed::Origin(country.clone())).load(conn).await;
            }
            use cooperation_offer_origins as r;
            listed_page!(
                r,
                r::company_country.eq(country.clone()),
                held: Held::ORIGIN,
                filter, after, descending, limit, today, conn
            )
        }
        _ => {
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

// After the macros it uses.
pub mod facets;

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
            created_at: now,
            updated_at: now,
            external_id: None,
        };
        let insert = diesel::insert_into(cooperation_offers::table)
            .values((&row, search_columns(&row)))
            .returning(OfferRow::as_returning());
        let safe = insert.is_safe_to_cache_prepared(&diesel::pg::Pg);
        assert!(matches!(safe, Ok(true)), "{safe:?}");
    }
}
