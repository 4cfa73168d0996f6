//! Company queries.

use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::types::{CompanyFilter, CompanyRow};
use coop_domain::listing::NameListing;
use coop_store::schema::{companies, cooperation_offers, event_participants, speakers};

pub async fn insert(conn: &mut AsyncPgConnection, row: &CompanyRow) -> QueryResult<CompanyRow> {
    diesel::insert_into(companies::table)
        .values(row)
        .returning(CompanyRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<CompanyRow> {
    companies::table
        .find(id)
        .select(CompanyRow::as_select())
        .first(conn)
        .await
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
        .set((
            companies::name.eq(&row.name),
            companies::native_name.eq(&row.native_name),
            companies::kind.eq(row.kind),
            companies::country.eq(&row.country),
            companies::city.eq(&row.city),
            companies::website.eq(&row.website),
            companies::description.eq(&row.description),
            companies::sectors.eq(&row.sectors),
            companies::sort_name.eq(&row.sort_name),
            companies::search_text.eq(&row.search_text),
            companies::search_body.eq(&row.search_body),
            companies::updated_at.eq(row.updated_at),
        ))
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

/// One page of companies in keyset order; fetches `limit + 1` rows so the caller can tell
/// whether another page follows.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &CompanyFilter,
    listing: &NameListing,
) -> QueryResult<Vec<CompanyRow>> {
    use companies::dsl as c;
    let mut query = companies::table
        .select(CompanyRow::as_select())
        .into_boxed();
    if let Some(country) = &filter.country {
        query = query.filter(c::country.eq(country.clone()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(c::kind.eq(kind));
    }
    if let Some(sector) = &filter.sector {
        query = query.filter(c::sectors.contains(vec![sector.clone()]));
    }
    if let Some(q) = &filter.q {
        query = query.filter(coop_store::search_condition!(
            q,
            c::search_vector,
            c::search_text
        ));
    }
    coop_store::apply_name_listing!(query, listing, c::sort_name, c::created_at, c::id)
        .load(conn)
        .await
}
