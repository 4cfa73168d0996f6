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

use crate::schema::cooperation_offers;
use crate::search_sql::SearchColumns;
use listed::Keyed;
pub use listed::OfferItem;

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

    /// The table of listed offers kept in list order that the list reads through, by its
    /// key: a market for a sector and a target country, else a sector, else the company's
    /// country; none unless the list is of listed offers by creation.
    fn read_through(&self, sort: OfferSort) -> Option<Keyed<'_>> {
        if sort.by_update() || self.status != StatusFilter::Published {
            return None;
        }
        match (&self.sector, &self.target_country, &self.company_country) {
            (Some(sector), Some(country), _) => Some(Keyed::Market(sector, country)),
            (Some(sector), None, _) => Some(Keyed::Sector(sector)),
            (_, _, Some(country)) => Some(Keyed::Origin(country)),
            _ => None,
        }
    }

    /// The table's key when the list is all of that table's offers: no other filter narrows
    /// it.
    fn only_keyed(&self, sort: OfferSort) -> Option<Keyed<'_>> {
        self.read_through(sort)
            .filter(|list| self.narrowed_only_by(list.held()))
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

// The macros first: `facets` uses `offer_filters!`.
#[macro_use]
mod lists;
pub use lists::{Listed, list, page};

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
