//! The change log: what changed, in commit order (see the change-log migration for why a
//! position, not the insert sequence, is that order).

use chrono::{DateTime, Utc};
use coop_domain::access::Scope;
use coop_domain::changes::{ChangeOperation, ResourceType};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::changes;

/// A change as stored. Rows are written by the database's triggers, never by the service.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = changes)]
pub struct ChangeRow {
    pub seq: i64,
    pub position: Option<i64>,
    pub resource_type: ResourceType,
    pub resource_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub operation: ChangeOperation,
    pub version: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
    pub public_before: bool,
    pub public_after: bool,
    pub audience: Vec<Uuid>,
}

/// Which changes a reader asked for.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    /// Only these resource types (all when empty).
    pub types: Vec<ResourceType>,
    /// Only changes of resources this company may read even when they are not public.
    pub company_id: Option<Uuid>,
}

diesel::define_sql_function! {
    /// Gives positions to the committed changes that have none; returns how many.
    fn coop_sequence_changes() -> diesel::sql_types::BigInt;
}

diesel::define_sql_function! {
    /// Writes the changes of offers that expired since it last ran; returns how many.
    fn coop_record_expiries() -> diesel::sql_types::BigInt;
}

/// Records, once a day, that the offers whose `valid_until` has passed are no longer listed.
pub async fn record_expiries(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    diesel::select(coop_record_expiries())
        .get_result(conn)
        .await
}

/// Positions the changes committed so far (a no-op when another process is doing it).
pub async fn sequence(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    diesel::select(coop_sequence_changes())
        .get_result(conn)
        .await
}

/// Up to `limit + 1` positioned changes after `after` that `scope` may know of, in order.
pub async fn list(
    conn: &mut AsyncPgConnection,
    scope: Scope,
    filter: &ChangeFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<ChangeRow>> {
    use changes::dsl as c;
    let mut query = changes::table
        .select(ChangeRow::as_select())
        .filter(c::position.gt(after))
        .order(c::position.asc())
        .limit(limit + 1)
        .into_boxed();
    if !filter.types.is_empty() {
        query = query.filter(c::resource_type.eq_any(filter.types.clone()));
    }
    if let Some(company) = filter.company_id {
        query = query.filter(c::audience.contains(vec![company]));
    }
    query = match scope {
        Scope::All => query,
        Scope::Company(company) => query.filter(
            c::public_before
                .or(c::public_after)
                .or(c::audience.contains(vec![company])),
        ),
        Scope::Public => query.filter(c::public_before.or(c::public_after)),
    };
    query.load(conn).await
}

/// The channel `coop_sequence_changes()` notifies, with the last position it gave, whenever it
/// gives positions.
pub const CHANNEL: &str = "coop_changes";

/// Makes `conn` receive the notifications of [`CHANNEL`] (read them from
/// `conn.notifications_stream()`).
pub async fn listen(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    use diesel_async::SimpleAsyncConnection;
    conn.batch_execute(&format!("LISTEN {CHANNEL}")).await
}
