//! API keys as stored, and their queries.

use chrono::{DateTime, Utc};
use coop_domain::access::Role;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::api_keys;

/// A key as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::schema::api_keys)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub prefix: String,
    pub secret_hash: Vec<u8>,
    pub name: String,
    pub role: Role,
    pub company_id: Option<Uuid>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The parsed filters of a key list.
#[derive(Debug, Default)]
pub struct ApiKeyFilter {
    pub company_id: Option<Uuid>,
    pub role: Option<Role>,
}

/// What authentication needs of a key.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct KeyRecord {
    pub id: Uuid,
    pub secret_hash: Vec<u8>,
    pub role: Role,
    pub company_id: Option<Uuid>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &ApiKeyRow) -> QueryResult<ApiKeyRow> {
    diesel::insert_into(api_keys::table)
        .values(row)
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<ApiKeyRow> {
    api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .await
}

pub async fn find_by_prefix(
    conn: &mut AsyncPgConnection,
    prefix: &str,
) -> QueryResult<Option<KeyRecord>> {
    api_keys::table
        .filter(api_keys::prefix.eq(prefix))
        .select(KeyRecord::as_select())
        .first(conn)
        .await
        .optional()
}

/// Records that the key was used. Called once per cache lifetime, not on every request, so
/// `last_used_at` is precise to the cache TTL.
pub async fn touch(conn: &mut AsyncPgConnection, id: Uuid, at: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::last_used_at.eq(at))
        .execute(conn)
        .await
        .map(drop)
}

/// Revokes the key; revoking twice keeps the first time.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        api_keys::table
            .find(id)
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(at))
    .execute(conn)
    .await
}

/// Newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ApiKeyFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<ApiKeyRow>> {
    use api_keys::dsl as k;
    let mut query = api_keys::table.select(ApiKeyRow::as_select()).into_boxed();
    if let Some(company_id) = filter.company_id {
        query = query.filter(k::company_id.eq(company_id));
    }
    if let Some(role) = filter.role {
        query = query.filter(k::role.eq(role));
    }
    if let Some((at, id)) = after {
        query = query.filter(crate::listing::keyset_after(
            k::created_at,
            k::id,
            at,
            id,
            true,
        ));
    }
    query
        .order((k::created_at.desc(), k::id.desc()))
        .limit(limit + 1)
        .load(conn)
        .await
}
