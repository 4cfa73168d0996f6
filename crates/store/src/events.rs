//! Events as stored, and their queries.

use chrono::{DateTime, Utc};
use coop_domain::access::Caller;
use coop_domain::events::{EventFormat, EventKind, EventSort, EventStatus};
use coop_domain::search::SearchText;
use coop_domain::text::{self, like_escape};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::{
    cooperation_offers, event_participants, event_places, event_sessions, event_speakers,
    event_venues, events,
};
use crate::search_sql::SearchColumns;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = crate::schema::events)]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct EventRow {
    pub id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub kind: EventKind,
    pub format: EventFormat,
    pub status: EventStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    pub languages: Vec<String>,
    pub sectors: Vec<String>,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The integrator's reference, unique across the platform.
    pub external_id: Option<String>,
}

/// The sort key of a row in a list sorted by `sort` (the keyset position with its id).
pub fn sort_key(sort: EventSort, row: &EventRow) -> DateTime<Utc> {
    sort_key_of(sort, row.starts_at, row.updated_at)
}

fn sort_key_of(
    sort: EventSort,
    starts_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
) -> DateTime<Utc> {
    if sort.by_update() {
        updated_at
    } else {
        starts_at
    }
}

/// An event as a list serves it with nothing expanded: its JSON, rendered by PostgreSQL
/// whenever the event is written (`coop_event_item`, migration 000026), with the keys of its
/// place in any list.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::schema::events)]
pub struct EventItem {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The event's JSON object, exactly as `GET /events/{id}` serves it unexpanded.
    pub item: String,
}

impl EventItem {
    /// The item's sort key in a list sorted by `sort`, as [`sort_key`] for rows.
    pub fn sort_key(&self, sort: EventSort) -> DateTime<Utc> {
        sort_key_of(sort, self.starts_at, self.updated_at)
    }
}

impl EventRow {
    /// Drafts are for editors and admins; everyone else sees only announced events.
    pub fn is_visible_to(&self, caller: &Caller) -> bool {
        self.status.is_visible_to(caller)
    }
}

#[derive(Debug, Default)]
pub struct EventFilter {
    /// Only events where this speaker appears.
    pub speaker_id: Option<Uuid>,
    /// Only events where this company takes part.
    pub company_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub kind: Option<EventKind>,
    pub format: Option<EventFormat>,
    pub status: Option<EventStatus>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub sector: Option<String>,
    pub q: Option<SearchText>,
    /// Only events changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    pub external_id: Option<String>,
    /// Whether drafts may be listed (editors and admins).
    pub include_drafts: bool,
}

/// The event with this external id, locked until the end of the transaction (an upsert
/// reads, compares and writes it).
pub async fn find_by_external_id_for_update(
    conn: &mut AsyncPgConnection,
    external_id: &str,
) -> QueryResult<Option<EventRow>> {
    events::table
        .filter(events::external_id.eq(external_id))
        .select(EventRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The folded texts that search reads, derived from the row on every write (and never read
/// back: no response shows them).
pub(crate) fn search_columns(
    row: &EventRow,
) -> SearchColumns<events::search_text, events::search_body> {
    (
        events::search_text.eq(text::fold(&row.title)),
        events::search_body.eq(text::fold_all(&[row.description.as_deref()])),
    )
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &EventRow) -> QueryResult<EventRow> {
    diesel::insert_into(events::table)
        .values((row, search_columns(row)))
        .returning(EventRow::as_returning())
        .get_result(conn)
        .await
}

/// The event `id` if `caller` may see it (drafts are for staff); `None` when it does not
/// exist or is hidden from the caller alike.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    id: Uuid,
) -> QueryResult<Option<EventRow>> {
    let row = find(conn, id).await.optional()?;
    Ok(row.filter(|row| row.is_visible_to(caller)))
}

/// The events among `ids` that exist, in no particular order (a feed page's resources, read
/// in one query instead of one each).
pub async fn find_many(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<EventRow>> {
    events::table
        .filter(events::id.eq_any(ids))
        .select(EventRow::as_select())
        .load(conn)
        .await
}

/// The event `id`, if it exists. It takes the connection shared, so that it pipelines with
/// the queries of the event's parts.
pub async fn find_pipelined(
    mut conn: &AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<EventRow>> {
    events::table
        .find(id)
        .select(EventRow::as_select())
        .first(&mut conn)
        .await
        .optional()
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<EventRow> {
    events::table
        .find(id)
        .select(EventRow::as_select())
        .first(conn)
        .await
}

/// Reads an event and keeps it from being changed or deleted until the transaction ends
/// (a part being added relies on its window and existence).
pub async fn find_for_share(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<EventRow> {
    events::table
        .find(id)
        .select(EventRow::as_select())
        .for_share()
        .first(conn)
        .await
}

pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<EventRow> {
    events::table
        .find(id)
        .select(EventRow::as_select())
        .for_update()
        .first(conn)
        .await
}

pub async fn update(conn: &mut AsyncPgConnection, row: &EventRow) -> QueryResult<EventRow> {
    diesel::update(events::table.find(row.id))
        .set((row, search_columns(row)))
        .returning(EventRow::as_returning())
        .get_result(conn)
        .await
}

/// Sessions of the event that would fall outside the window.
pub async fn sessions_outside(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> QueryResult<i64> {
    use event_sessions::dsl as s;
    event_sessions::table
        .filter(s::event_id.eq(id))
        .filter(s::starts_at.lt(starts_at).or(s::ends_at.gt(ends_at)))
        .count()
        .get_result(conn)
        .await
}

pub async fn offer_count(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<i64> {
    cooperation_offers::table
        .filter(cooperation_offers::event_id.eq(id))
        .count()
        .get_result(conn)
        .await
}

/// Deletes the event; its venues, sessions, appearances and participations go with it.
pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(events::table.find(id)).execute(conn).await
}

/// Applies to a boxed events query every filter of `filter` but the country when `places`
/// (the query then joins `event_places` for it).
macro_rules! event_filters {
    ($query:expr, $filter:expr, places: $places:expr) => {{
        use events::dsl as e;
        let filter: &EventFilter = $filter;
        let mut query = $query;
        if let Some(speaker_id) = filter.speaker_id {
            query = query.filter(
                e::id.eq_any(
                    event_speakers::table
                        .filter(event_speakers::speaker_id.eq(speaker_id))
                        .select(event_speakers::event_id),
                ),
            );
        }
        if let Some(company_id) = filter.company_id {
            query = query.filter(
                e::id.eq_any(
                    event_participants::table
                        .filter(event_participants::company_id.eq(company_id))
                        .select(event_participants::event_id),
                ),
            );
        }
        if let Some(from) = filter.from {
            query = query.filter(e::ends_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(e::starts_at.lt(to));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(e::kind.eq(kind));
        }
        if let Some(format) = filter.format {
            query = query.filter(e::format.eq(format));
        }
        if let Some(status) = filter.status {
            query = query.filter(e::status.eq(status));
        }
        if !filter.include_drafts {
            query = query.filter(e::status.ne(EventStatus::Draft));
        }
        let country = filter.country.as_ref().filter(|_| !$places);
        if country.is_some() || filter.city.is_some() {
            let mut venues = event_venues::table
                .select(event_venues::event_id)
                .into_boxed();
            if let Some(country) = country {
                venues = venues.filter(event_venues::country.eq(country.clone()));
            }
            if let Some(city) = &filter.city {
                venues = venues.filter(event_venues::city.ilike(like_escape(city)));
            }
            query = query.filter(e::id.eq_any(venues));
        }
        if let Some(sector) = &filter.sector {
            query = query.filter(e::sectors.contains(vec![sector.clone()]));
        }
        if let Some(q) = &filter.q {
            query = query.filter(crate::search_sql::text_matches(q, e::search_vector));
        }
        if let Some(since) = filter.updated_since {
            query = query.filter(e::updated_at.ge(since));
        }
        if let Some(external_id) = &filter.external_id {
            query = query.filter(e::external_id.eq(external_id.clone()));
        }
        query
    }};
}
/// One page of events selecting `$columns`, `limit + 1` of them, by start or by last change,
/// either way: through `event_places` for a country by start, else over the events.
///
/// A macro rather than a function generic over the selection: the boxed queries' types name
/// it, and a bound for each filter on them says more than the body.
macro_rules! event_page {
    ($columns:expr, $conn:expr, $filter:expr, $sort:expr, $after:expr, $limit:expr) => {{
        use crate::listing::keyset_after;
        use event_places::dsl as p;
        use events::dsl as e;
        let (filter, sort, after, limit): (&EventFilter, EventSort, Option<(DateTime<Utc>, Uuid)>, i64) =
            ($filter, $sort, $after, $limit);
        let descending = sort.descending();
        if let (Some(country), false) = (&filter.country, sort.by_update()) {
            let query = events::table
                .inner_join(event_places::table.on(p::event_id.eq(e::id)))
                .select($columns)
                .filter(p::country.eq(country.clone()))
                .into_boxed();
            let mut query = event_filters!(query, filter, places: true);
            // The place's own columns, which its index yields in order.
            if let Some((at, id)) = after {
                query = query.filter(keyset_after(p::starts_at, p::event_id, at, id, descending));
            }
            let query = if descending {
                query.order((p::starts_at.desc(), p::event_id.desc()))
            } else {
                query.order((p::starts_at.asc(), p::event_id.asc()))
            };
            // The count stays a parameter (see `crate::listing::LiteralLimit`): a tenth of a
            // country's places is less than a page, so the generic plan, the one wanted here,
            // is costed below the plans made for values and PostgreSQL keeps it. Written in,
            // the count made every execution planned again (docs/PERFORMANCE.md, round six).
            query.limit(limit + 1).load($conn).await
        } else {
            let query = events::table.select($columns).into_boxed();
            let mut query = event_filters!(query, filter, places: false);
            if let Some((at, id)) = after {
                query = if sort.by_update() {
                    query.filter(keyset_after(e::updated_at, e::id, at, id, descending))
                } else {
                    query.filter(keyset_after(e::starts_at, e::id, at, id, descending))
                };
            }
            query = match sort {
                EventSort::StartsAt => query.order((e::starts_at.asc(), e::id.asc())),
                EventSort::StartsAtDesc => query.order((e::starts_at.desc(), e::id.desc())),
                EventSort::UpdatedAt => query.order((e::updated_at.asc(), e::id.asc())),
                EventSort::UpdatedAtDesc => query.order((e::updated_at.desc(), e::id.desc())),
            };
            query.limit(limit + 1).load($conn).await
        }
    }};
}

/// One page of events, `limit + 1` rows, in `sort` order after `after`.
///
/// Events of one country in start order are read through `event_places`, whose index yields
/// them in that order, a page at a time; every other combination reads the events table.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &EventFilter,
    sort: EventSort,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<EventRow>> {
    event_page!(EventRow::as_select(), conn, filter, sort, after, limit)
}

/// One page of events, `limit + 1` of them, as the items a list with nothing expanded serves.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &EventFilter,
    sort: EventSort,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<EventItem>> {
    event_page!(EventItem::as_select(), conn, filter, sort, after, limit)
}

/// Whether no event is stored yet.
pub async fn none(conn: &mut AsyncPgConnection) -> QueryResult<bool> {
    let count: i64 = events::table.count().get_result(conn).await?;
    Ok(count == 0)
}
