//! Speakers as stored, and their queries.

use chrono::{DateTime, Utc};
use coop_domain::Country;
use coop_domain::listing::{NameListing, NameSort};
use coop_domain::search::SearchText;
use coop_domain::text;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::{event_speakers, speakers};
use crate::search_sql::SearchColumns;

/// A speaker as stored, contact details included.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = crate::schema::speakers)]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct SpeakerRow {
    pub id: Uuid,
    pub full_name: String,
    pub native_name: Option<String>,
    pub position: Option<String>,
    pub company_id: Option<Uuid>,
    pub country: Option<String>,
    pub bio: Option<String>,
    pub links: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub sort_name: String,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The integrator's reference, unique within the company (or among speakers without one).
    pub external_id: Option<String>,
}

/// A valid speaker, ready to store.
#[derive(Debug, Clone)]
pub struct SpeakerDraft {
    pub full_name: String,
    pub native_name: Option<String>,
    pub position: Option<String>,
    pub company_id: Option<Uuid>,
    pub country: Option<Country>,
    pub bio: Option<String>,
    pub links: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_id: Option<String>,
}

impl SpeakerDraft {
    pub fn into_row(
        self,
        id: Uuid,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> SpeakerRow {
        let sort_name = text::fold(&self.full_name);
        SpeakerRow {
            id,
            full_name: self.full_name,
            native_name: self.native_name,
            position: self.position,
            company_id: self.company_id,
            country: self.country.map(Country::into_inner),
            bio: self.bio,
            links: self.links,
            email: self.email,
            phone: self.phone,
            sort_name,
            created_at,
            updated_at,
            external_id: self.external_id,
        }
    }
}

#[derive(Debug, Default)]
pub struct SpeakerFilter {
    pub company_id: Option<Uuid>,
    pub country: Option<String>,
    pub q: Option<SearchText>,
    /// Only speakers changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    pub external_id: Option<String>,
}

impl SpeakerFilter {
    /// Whether one plan serves this list for every value: a company or a country alone (each
    /// leads an index, then the name); see [`crate::listing::name_list_fits_all_values`].
    pub fn plan_fits_all_values(&self, sort: NameSort) -> bool {
        // Every filter named: one added here does not compile until it is weighed.
        let SpeakerFilter {
            company_id,
            country,
            q,
            updated_since,
            external_id,
        } = self;
        crate::listing::name_list_fits_all_values(
            &[company_id.is_some(), country.is_some()],
            q.is_some() || updated_since.is_some() || external_id.is_some(),
            sort,
        )
    }
}

/// The speaker of `company_id` (or without a company) with this external id, locked until
/// the end of the transaction (an upsert reads, compares and writes it).
pub async fn find_by_external_id_for_update(
    conn: &mut AsyncPgConnection,
    company_id: Option<Uuid>,
    external_id: &str,
) -> QueryResult<Option<SpeakerRow>> {
    speakers::table
        .filter(speakers::company_id.is_not_distinct_from(company_id))
        .filter(speakers::external_id.eq(external_id))
        .select(SpeakerRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The folded texts that search reads, derived from the row on every write (and never read
/// back: no response shows them).
pub(crate) fn search_columns(
    row: &SpeakerRow,
) -> SearchColumns<speakers::search_text, speakers::search_body> {
    let search_text = match &row.native_name {
        Some(native) => format!("{} {}", row.sort_name, text::fold(native)),
        None => row.sort_name.clone(),
    };
    (
        speakers::search_text.eq(search_text),
        speakers::search_body.eq(text::fold_all(&[
            row.position.as_deref(),
            row.bio.as_deref(),
        ])),
    )
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &SpeakerRow) -> QueryResult<SpeakerRow> {
    diesel::insert_into(speakers::table)
        .values((row, search_columns(row)))
        .returning(SpeakerRow::as_returning())
        .get_result(conn)
        .await
}

/// The speakers among `ids` that exist, in no particular order (a feed page's resources, read
/// in one query instead of one each).
pub async fn find_many(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<SpeakerRow>> {
    speakers::table
        .filter(speakers::id.eq_any(ids))
        .select(SpeakerRow::as_select())
        .load(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<SpeakerRow> {
    speakers::table
        .find(id)
        .select(SpeakerRow::as_select())
        .first(conn)
        .await
}

/// Reads and locks a speaker until the end of the transaction.
pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<SpeakerRow> {
    speakers::table
        .find(id)
        .select(SpeakerRow::as_select())
        .for_update()
        .first(conn)
        .await
}

pub async fn update(conn: &mut AsyncPgConnection, row: &SpeakerRow) -> QueryResult<SpeakerRow> {
    diesel::update(speakers::table.find(row.id))
        .set((row, search_columns(row)))
        .returning(SpeakerRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(speakers::table.find(id)).execute(conn).await
}

/// How many event appearances the speaker has.
pub async fn appearance_count(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<i64> {
    event_speakers::table
        .filter(event_speakers::speaker_id.eq(id))
        .count()
        .get_result(conn)
        .await
}

/// A speaker as a list serves it to a caller who may not see its contact: its JSON,
/// rendered by PostgreSQL whenever the speaker is written (`coop_speaker_item`, migration
/// 000025), with the keys of its place in any list.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::schema::speakers)]
pub struct SpeakerItem {
    pub id: Uuid,
    pub sort_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The speaker's JSON object, exactly as `GET /speakers/{id}` serves it without contact.
    pub item: String,
}

/// One page of speakers in keyset order, selecting `$columns`: the list's filters, its order
/// and `limit + 1` rows, so that the caller can tell whether another page follows.
///
/// A macro rather than a function generic over the selection: the boxed query's type names
/// it, and a bound for each filter on it says more than the body.
macro_rules! speaker_page {
    ($columns:expr, $conn:expr, $filter:expr, $listing:expr) => {{
        use speakers::dsl as s;
        let (filter, listing): (&SpeakerFilter, &NameListing) = ($filter, $listing);
        let mut query = speakers::table.select($columns).into_boxed();
        if let Some(company_id) = filter.company_id {
            query = query.filter(s::company_id.eq(company_id));
        }
        if let Some(country) = &filter.country {
            query = query.filter(s::country.eq(country.clone()));
        }
        if let Some(since) = filter.updated_since {
            query = query.filter(s::updated_at.ge(since));
        }
        if let Some(external_id) = &filter.external_id {
            query = query.filter(s::external_id.eq(external_id.clone()));
        }
        if let Some(q) = &filter.q {
            query = query.filter(crate::search_sql::text_or_name_matches(
                q,
                s::search_vector,
                s::search_text,
            ));
        }
        let query = crate::listing::apply_name_listing!(
            query,
            listing,
            s::sort_name,
            s::created_at,
            s::updated_at,
            s::id
        );
        crate::listing::load_page!(
            query,
            listing.limit,
            filter.plan_fits_all_values(listing.sort),
            $conn
        )
    }};
}

/// One page of speakers as rows (the exports, and callers who may see some contacts).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &SpeakerFilter,
    listing: &NameListing,
) -> QueryResult<Vec<SpeakerRow>> {
    speaker_page!(SpeakerRow::as_select(), conn, filter, listing)
}

/// One page of speakers as the items a caller who may not see their contacts is served.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &SpeakerFilter,
    listing: &NameListing,
) -> QueryResult<Vec<SpeakerItem>> {
    speaker_page!(SpeakerItem::as_select(), conn, filter, listing)
}
