//! The parts of an event as stored — venues, sessions, speaker appearances, participations —
//! each in its own table with the same queries: insert, find within its event (optionally
//! locked), update, delete, and a keyset list in the event's order.

use std::future::Future;

use chrono::{DateTime, Utc};
use diesel::dsl;
use diesel::expression::array_comparison::AsInExpression;
use diesel::expression::{AsExpression, BoxableExpression, TypedExpressionType};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::{Bool, SqlType};

use crate::listing::Condition;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

/// The condition "part of one of `ids` events". One event is compared with `=`: PostgreSQL then
/// reuses a generic plan of the prepared statement, whereas `= ANY($1)` is planned anew on
/// every execution (its generic plan looks costlier than a custom one), and planning was most
/// of the database's time in `GET /events/{id}?expand=...`.
pub(crate) fn of_events<QS, C>(column: C, ids: Vec<Uuid>) -> Condition<QS>
where
    C: ExpressionMethods,
    C::SqlType: SqlType + TypedExpressionType,
    Uuid: AsExpression<C::SqlType>,
    Vec<Uuid>: AsInExpression<C::SqlType>,
    dsl::Eq<C, Uuid>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    dsl::EqAny<C, Vec<Uuid>>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
{
    match ids.as_slice() {
        [one] => Box::new(column.eq(*one)),
        _ => Box::new(column.eq_any(ids)),
    }
}

/// What every part's table implements alike: its id and creation time, insert, find within its
/// event (optionally locked), update, delete, and the keyset list ordered by `$key` then id.
macro_rules! part_queries {
    ($table:ident, $row:ty, $key:ident) => {
        fn id(row: &$row) -> Uuid {
            row.id
        }

        fn created_at(row: &$row) -> DateTime<Utc> {
            row.created_at
        }

        fn list_key(row: &$row) -> DateTime<Utc> {
            row.$key
        }

        fn update<'a>(
            conn: &'a mut AsyncPgConnection,
            row: &'a $row,
        ) -> impl Future<Output = QueryResult<$row>> + Send + 'a {
            diesel::update($table::table.find(row.id))
                .set(row)
                .returning(<$row>::as_returning())
                .get_result(conn)
        }

        fn insert<'a>(
            conn: &'a mut AsyncPgConnection,
            row: &'a $row,
        ) -> impl Future<Output = QueryResult<$row>> + Send + 'a {
            diesel::insert_into($table::table)
                .values(row)
                .returning(<$row>::as_returning())
                .get_result(conn)
        }

        fn find<'a>(
            conn: &'a mut AsyncPgConnection,
            event_id: Uuid,
            id: Uuid,
            lock: bool,
        ) -> impl Future<Output = QueryResult<$row>> + Send + 'a {
            let query = $table::table
                .filter($table::id.eq(id))
                .filter($table::event_id.eq(event_id))
                .select(<$row>::as_select());
            async move {
                if lock {
                    query.for_update().first(conn).await
                } else {
                    query.first(conn).await
                }
            }
        }

        fn delete<'a>(
            conn: &'a mut AsyncPgConnection,
            id: Uuid,
        ) -> impl Future<Output = QueryResult<usize>> + Send + 'a {
            diesel::delete($table::table.find(id)).execute(conn)
        }

        fn list<'a>(
            conn: &'a AsyncPgConnection,
            event_ids: Vec<Uuid>,
            updated_since: Option<DateTime<Utc>>,
            after: Option<(DateTime<Utc>, Uuid)>,
            limit: Option<i64>,
        ) -> impl Future<Output = QueryResult<Vec<$row>>> + Send + 'a {
            let query = $table::table
                .select(<$row>::as_select())
                .order(($table::$key.asc(), $table::id.asc()))
                .into_boxed();
            let mut query =
                query.filter($crate::event_parts::of_events($table::event_id, event_ids));
            if let Some(since) = updated_since {
                query = query.filter($table::updated_at.ge(since));
            }
            if let Some((at, id)) = after {
                query = query.filter(crate::listing::keyset_after(
                    $table::$key,
                    $table::id,
                    at,
                    id,
                    false,
                ));
            }
            if let Some(limit) = limit {
                query = query.limit(limit + 1);
            }
            let mut conn = conn;
            async move { query.load(&mut conn).await }
        }
    };
}

pub mod appearances;
pub mod participants;
pub mod sessions;
pub mod venues;

/// A table of event parts: its row and queries.
pub trait PartTable: Send + Sync + 'static {
    type Row: Clone + Send + Sync + 'static;

    fn id(row: &Self::Row) -> Uuid;
    fn created_at(row: &Self::Row) -> DateTime<Utc>;
    /// The key lists are ordered by (with the id as tie-breaker).
    fn list_key(row: &Self::Row) -> DateTime<Utc>;

    fn insert<'a>(
        conn: &'a mut AsyncPgConnection,
        row: &'a Self::Row,
    ) -> impl Future<Output = QueryResult<Self::Row>> + Send + 'a;
    /// The part `id` of event `event_id`, locked for update when `lock`.
    fn find<'a>(
        conn: &'a mut AsyncPgConnection,
        event_id: Uuid,
        id: Uuid,
        lock: bool,
    ) -> impl Future<Output = QueryResult<Self::Row>> + Send + 'a;
    fn update<'a>(
        conn: &'a mut AsyncPgConnection,
        row: &'a Self::Row,
    ) -> impl Future<Output = QueryResult<Self::Row>> + Send + 'a;
    fn delete<'a>(
        conn: &'a mut AsyncPgConnection,
        id: Uuid,
    ) -> impl Future<Output = QueryResult<usize>> + Send + 'a;
    /// Up to `limit` parts of the events, in list order, after `after`. It takes the
    /// connection shared, so the expansion of an event can pipeline its part queries.
    /// The parts of these events (changed at or after `updated_since`, if given), in list
    /// order after `after`, at most `limit + 1` of them.
    fn list<'a>(
        conn: &'a AsyncPgConnection,
        event_ids: Vec<Uuid>,
        updated_since: Option<DateTime<Utc>>,
        after: Option<(DateTime<Utc>, Uuid)>,
        limit: Option<i64>,
    ) -> impl Future<Output = QueryResult<Vec<Self::Row>>> + Send + 'a;
}
