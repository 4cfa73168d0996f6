//! Companies as stored, and their queries.

use chrono::{DateTime, Utc};
use coop_domain::Country;
use coop_domain::companies::CompanyKind;
use coop_domain::listing::{NameListing, NameSort};
use coop_domain::search::SearchText;
use coop_domain::text;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::{companies, cooperation_offers, event_participants, speakers};
use crate::search_sql::SearchColumns;

/// A company as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = crate::schema::companies)]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct CompanyRow {
    pub id: Uuid,
    pub name: String,
    pub native_name: Option<String>,
    pub kind: CompanyKind,
    pub country: String,
    pub city: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub sectors: Vec<String>,
    pub sort_name: String,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The integrator's reference, unique across the platform.
    pub external_id: Option<String>,
}

/// A valid company, ready to store.
#[derive(Debug, Clone)]
pub struct CompanyDraft {
    pub name: String,
    pub native_name: Option<String>,
    pub kind: CompanyKind,
    pub country: Country,
    pub city: Option<String>,
    pub website: Option<String>,
    pub description: Option<String>,
    pub sectors: Vec<String>,
    pub external_id: Option<String>,
}

impl CompanyDraft {
    /// The row to store, with the derived search and sort keys.
    pub fn into_row(
        self,
        id: Uuid,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> CompanyRow {
        let sort_name = text::fold(&self.name);
        CompanyRow {
            id,
            name: self.name,
            native_name: self.native_name,
            kind: self.kind,
            country: self.country.into_inner(),
            city: self.city,
            website: self.website,
            description: self.description,
            sectors: self.sectors,
            sort_name,
            created_at,
            updated_at,
            external_id: self.external_id,
        }
    }
}

/// The parsed filters of a company list.
#[derive(Debug, Default)]
pub struct CompanyFilter {
    pub country: Option<String>,
    pub kind: Option<CompanyKind>,
    pub sector: Option<String>,
    pub q: Option<SearchText>,
    /// Only companies changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    pub external_id: Option<String>,
}

impl CompanyFilter {
    /// Whether one plan serves this list for every value: a country or a kind alone (each
    /// leads an index, then the name); see [`crate::listing::name_list_fits_all_values`].
    pub fn plan_fits_all_values(&self, sort: NameSort) -> bool {
        // Every filter named: one added here does not compile until it is weighed.
        let CompanyFilter {
            country,
            kind,
            sector,
            q,
            updated_since,
            external_id,
        } = self;
        crate::listing::name_list_fits_all_values(
            &[country.is_some(), kind.is_some()],
            sector.is_some() || q.is_some() || updated_since.is_some() || external_id.is_some(),
            sort,
        )
    }
}

/// The folded texts that search reads, derived from the row on every write (and never read
/// back: no response shows them).
pub(crate) fn search_columns(
    row: &CompanyRow,
) -> SearchColumns<companies::search_text, companies::search_body> {
    let search_text = match &row.native_name {
        Some(native) => format!("{} {}", row.sort_name, text::fold(native)),
        None => row.sort_name.clone(),
    };
    (
        companies::search_text.eq(search_text),
        companies::search_body.eq(text::fold_all(&[
            row.city.as_deref(),
            row.description.as_deref(),
        ])),
    )
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &CompanyRow) -> QueryResult<CompanyRow> {
    diesel::insert_into(companies::table)
        .values((row, search_columns(row)))
        .returning(CompanyRow::as_returning())
        .get_result(conn)
        .await
}

/// The companies among `ids` that exist, in no particular order (a feed page's resources, read
/// in one query instead of one each).
pub async fn find_many(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<CompanyRow>> {
    companies::table
        .filter(companies::id.eq_any(ids))
        .select(CompanyRow::as_select())
        .load(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<CompanyRow> {
    companies::table
        .find(id)
        .select(CompanyRow::as_select())
        .first(conn)
        .await
}

/// The company with this external id, locked until the end of the transaction (an upsert
/// reads, compares and writes it).
pub async fn find_by_external_id_for_update(
    conn: &mut AsyncPgConnection,
    external_id: &str,
) -> QueryResult<Option<CompanyRow>> {
    companies::table
        .filter(companies::external_id.eq(external_id))
        .select(CompanyRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Reads a company and locks it until the end of the transaction, so a read-check-write
/// sequence (If-Match, merge patch) cannot interleave with another writer.
pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<CompanyRow> {
    companies::table
        .find(id)
        .select(CompanyRow::as_select())
        .for_update()
        .first(conn)
        .await
}

/// Replaces every stored field but `id` and `created_at`.
pub async fn update(conn: &mut AsyncPgConnection, row: &CompanyRow) -> QueryResult<CompanyRow> {
    diesel::update(companies::table.find(row.id))
        .set((row, search_columns(row)))
        .returning(CompanyRow::as_returning())
        .get_result(conn)
        .await
}

/// What still refers to a company: (speakers, cooperation offers, event participations).
pub async fn references(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<(i64, i64, i64)> {
    let speakers = speakers::table
        .filter(speakers::company_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let offers = cooperation_offers::table
        .filter(cooperation_offers::company_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    let participations = event_participants::table
        .filter(event_participants::company_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    Ok((speakers, offers, participations))
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(companies::table.find(id))
        .execute(conn)
        .await
}

/// A company as a list serves it: its JSON, rendered by PostgreSQL whenever the company is
/// written (`coop_company_item`, migration 000024), with the keys of its place in any list.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::schema::companies)]
pub struct CompanyItem {
    pub id: Uuid,
    pub sort_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The company's JSON object, exactly as `GET /companies/{id}` serves it.
    pub item: String,
}

/// One page of companies in keyset order, selecting `$columns`: the list's filters, its
/// order and `limit + 1` rows, so that the caller can tell whether another page follows.
///
/// A macro rather than a function generic over the selection: the boxed query's type names
/// it, and a bound for each filter on it says more than the body.
macro_rules! company_page {
    ($columns:expr, $conn:expr, $filter:expr, $listing:expr) => {{
        use companies::dsl as c;
        let (filter, listing): (&CompanyFilter, &NameListing) = ($filter, $listing);
        let mut query = companies::table.select($columns).into_boxed();
        if let Some(country) = &filter.country {
            query = query.filter(c::country.eq(country.clone()));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(c::kind.eq(kind));
        }
        if let Some(sector) = &filter.sector {
            query = query.filter(c::sectors.contains(vec![sector.clone()]));
        }
        if let Some(since) = filter.updated_since {
            query = query.filter(c::updated_at.ge(since));
        }
        if let Some(external_id) = &filter.external_id {
            query = query.filter(c::external_id.eq(external_id.clone()));
        }
        if let Some(q) = &filter.q {
            query = query.filter(crate::search_sql::text_or_name_matches(
                q,
                c::search_vector,
                c::search_text,
            ));
        }
        let query = crate::listing::apply_name_listing!(
            query,
            listing,
            c::sort_name,
            c::created_at,
            c::updated_at,
            c::id
        );
        crate::listing::load_page!(
            query,
            listing.limit,
            filter.plan_fits_all_values(listing.sort),
            $conn
        )
    }};
}

/// One page of companies as rows (the exports read these).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &CompanyFilter,
    listing: &NameListing,
) -> QueryResult<Vec<CompanyRow>> {
    company_page!(CompanyRow::as_select(), conn, filter, listing)
}

/// One page of companies as the items the list serves as they are.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &CompanyFilter,
    listing: &NameListing,
) -> QueryResult<Vec<CompanyItem>> {
    company_page!(CompanyItem::as_select(), conn, filter, listing)
}
