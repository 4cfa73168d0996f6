//! Idempotency keys: the claim a request makes on its key, the mark its write leaves in the
//! same transaction, and the response kept for retries (see the idempotency-keys migration).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::idempotency_keys;

/// How long a key is remembered.
pub const KEPT_HOURS: i32 = 24;

/// A key as stored, when it was not ours to claim.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct KeyRow {
    pub request_hash: Vec<u8>,
    pub locked_until: Option<DateTime<Utc>>,
    pub carried_out: bool,
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub status: Option<i16>,
    pub headers: Option<serde_json::Value>,
    pub body: Option<Vec<u8>>,
}

/// Which key of which API key.
#[derive(Debug, Clone)]
pub struct KeyId {
    pub api_key_id: Uuid,
    pub key: String,
}

/// What claiming a key found.
#[derive(Debug)]
pub enum Claim {
    /// The key is this request's: run it.
    Claimed,
    /// The key was used before (or is in use): the row says how.
    Taken(KeyRow),
}

/// Claims `id` for a request whose fingerprint is `hash`, for `lease` seconds.
///
/// A key older than [`KEPT_HOURS`] is forgotten first, and so is a claim that lapsed without
/// its request writing anything (its process died or its response was never saved because
/// the request failed): nothing it did can be repeated by running the retry.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    id: &KeyId,
    hash: &[u8],
    lease_seconds: i32,
) -> QueryResult<Claim> {
    use idempotency_keys::dsl as k;
    let now = Utc::now();
    let this = k::api_key_id.eq(id.api_key_id).and(k::key.eq(&id.key));
    diesel::delete(
        idempotency_keys::table.filter(this).filter(
            k::created_at
                .lt(now - chrono::Duration::hours(KEPT_HOURS.into()))
                .or(k::status
                    .is_null()
                    .and(k::carried_out.eq(false))
                    .and(k::locked_until.lt(now).or(k::locked_until.is_null()))),
        ),
    )
    .execute(conn)
    .await?;
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            k::api_key_id.eq(id.api_key_id),
            k::key.eq(&id.key),
            k::request_hash.eq(hash),
            k::locked_until.eq(now + chrono::Duration::seconds(lease_seconds.into())),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok(Claim::Claimed);
    }
    let row = idempotency_keys::table
        .filter(this)
        .select(KeyRow::as_select())
        .first(conn)
        .await?;
    Ok(Claim::Taken(row))
}

/// Marks `id` carried out, in the transaction of the write (call it last in that
/// transaction), with the first resource the transaction created. `false` when the key was
/// already carried out by another request: the caller must then roll its write back.
pub async fn mark_carried_out(conn: &mut AsyncPgConnection, id: &KeyId) -> QueryResult<bool> {
    use diesel::sql_types::{Text, Uuid as SqlUuid};
    // The transaction's own changes have no position yet and carry its id as `xmin`.
    let updated = diesel::sql_query(
        "UPDATE idempotency_keys SET carried_out = true,
            (resource_type, resource_id, parent_id) = (
                SELECT c.resource_type, c.resource_id, c.parent_id FROM changes AS c
                WHERE c.position IS NULL AND c.xmin = pg_current_xact_id()::xid
                    AND c.operation = 'created'
                ORDER BY c.seq LIMIT 1)
        WHERE api_key_id = $1 AND key = $2 AND NOT carried_out",
    )
    .bind::<SqlUuid, _>(id.api_key_id)
    .bind::<Text, _>(&id.key)
    .execute(conn)
    .await?;
    Ok(updated == 1)
}

/// Keeps the response sent for `id`, for retries.
pub async fn save_response(
    conn: &mut AsyncPgConnection,
    id: &KeyId,
    status: i16,
    headers: serde_json::Value,
    body: &[u8],
) -> QueryResult<()> {
    use idempotency_keys::dsl as k;
    diesel::update(
        idempotency_keys::table.filter(k::api_key_id.eq(id.api_key_id).and(k::key.eq(&id.key))),
    )
    .set((
        k::status.eq(status),
        k::headers.eq(headers),
        k::body.eq(body),
        k::locked_until.eq(None::<DateTime<Utc>>),
    ))
    .execute(conn)
    .await
    .map(drop)
}

/// Gives `id` up after a response that is not kept (a server error, an unavailable
/// database): forgotten when nothing was written, otherwise left for a retry to learn what
/// was created.
pub async fn release(conn: &mut AsyncPgConnection, id: &KeyId) -> QueryResult<()> {
    use idempotency_keys::dsl as k;
    let this = k::api_key_id.eq(id.api_key_id).and(k::key.eq(&id.key));
    diesel::delete(
        idempotency_keys::table
            .filter(this)
            .filter(k::carried_out.eq(false)),
    )
    .execute(conn)
    .await?;
    diesel::update(idempotency_keys::table.filter(this))
        .set(k::locked_until.eq(None::<DateTime<Utc>>))
        .execute(conn)
        .await
        .map(drop)
}

/// Forgets keys older than [`KEPT_HOURS`]; returns how many.
pub async fn purge(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    use idempotency_keys::dsl as k;
    diesel::delete(
        idempotency_keys::table
            .filter(k::created_at.lt(Utc::now() - chrono::Duration::hours(KEPT_HOURS.into()))),
    )
    .execute(conn)
    .await
}
