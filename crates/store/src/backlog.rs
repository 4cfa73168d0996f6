//! How far behind the change feed and the webhook outbox are: figures for monitoring.

use std::sync::LazyLock;

use diesel::QueryableByName;
use diesel::result::QueryResult;
use diesel::sql_types::{BigInt, Double};
use diesel_async::AsyncPgConnection;

use crate::db::prepared::{Bind, Params, Sql};

pub(crate) static BACKLOG: LazyLock<Sql> =
    LazyLock::new(|| Sql::new(include_str!("../sql/backlog.sql")));

/// The work waiting in the change feed and the webhook outbox.
#[derive(Debug, Clone, Copy, PartialEq, QueryableByName)]
pub struct Backlog {
    /// Committed changes not yet given their place in the feed.
    #[diesel(sql_type = BigInt)]
    pub unpositioned_changes: i64,
    /// Age of the oldest of them (0 when there is none).
    #[diesel(sql_type = Double)]
    pub unpositioned_age_seconds: f64,
    /// The feed's last position.
    #[diesel(sql_type = BigInt)]
    pub latest_position: i64,
    /// Changes the active subscriptions have not yet turned into deliveries, summed.
    #[diesel(sql_type = BigInt)]
    pub changes_not_fanned_out: i64,
    /// Deliveries waiting to be sent (including those waiting for a retry).
    #[diesel(sql_type = BigInt)]
    pub pending_deliveries: i64,
    /// Age of the oldest waiting delivery (0 when there is none).
    #[diesel(sql_type = Double)]
    pub oldest_pending_delivery_seconds: f64,
}

struct NoParams;

impl Params for NoParams {
    fn value(&self, _: &str) -> Option<Bind<'_>> {
        None
    }
}

pub async fn backlog(conn: &mut AsyncPgConnection) -> QueryResult<Backlog> {
    use diesel_async::RunQueryDsl;
    BACKLOG.bind(&NoParams).get_result(conn).await
}
