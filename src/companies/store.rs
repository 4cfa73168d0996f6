//! Company queries.

use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::types::{CompanyFilter, CompanyRow, CompanySort};
use crate::domain::text::like_contains;
use crate::schema::companies;

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
            companies::updated_at.eq(row.updated_at),
        ))
        .returning(CompanyRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(companies::table.find(id))
        .execute(conn)
        .await
}

/// Where a page starts: the sort key and id of the last row of the previous page.
pub enum After {
    Start,
    Name(String, Uuid),
    CreatedAt(chrono::DateTime<chrono::Utc>, Uuid),
}

/// One page of companies in keyset order; fetches `limit + 1` rows so the caller can tell
/// whether another page follows.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &CompanyFilter,
    sort: CompanySort,
    after: After,
    limit: i64,
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
        query = query.filter(c::search_text.like(like_contains(q)));
    }
    let descending = matches!(sort, CompanySort::NameDesc | CompanySort::CreatedAtDesc);
    query = match after {
        After::Start => query,
        After::Name(key, id) if descending => query.filter(
            c::sort_name
                .lt(key.clone())
                .or(c::sort_name.eq(key).and(c::id.lt(id))),
        ),
        After::Name(key, id) => query.filter(
            c::sort_name
                .gt(key.clone())
                .or(c::sort_name.eq(key).and(c::id.gt(id))),
        ),
        After::CreatedAt(key, id) if descending => query.filter(
            c::created_at
                .lt(key)
                .or(c::created_at.eq(key).and(c::id.lt(id))),
        ),
        After::CreatedAt(key, id) => query.filter(
            c::created_at
                .gt(key)
                .or(c::created_at.eq(key).and(c::id.gt(id))),
        ),
    };
    query = match sort {
        CompanySort::Name => query.order((c::sort_name.asc(), c::id.asc())),
        CompanySort::NameDesc => query.order((c::sort_name.desc(), c::id.desc())),
        CompanySort::CreatedAt => query.order((c::created_at.asc(), c::id.asc())),
        CompanySort::CreatedAtDesc => query.order((c::created_at.desc(), c::id.desc())),
    };
    query.limit(limit + 1).load(conn).await
}
