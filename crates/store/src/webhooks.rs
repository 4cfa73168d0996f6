//! Webhook subscriptions, their deliveries and the attempts at each (see the webhooks
//! migration for how deliveries are queued and shared between replicas).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::prepared::{Bind, Params, Sql};
use crate::schema::{changes, webhook_attempts, webhook_deliveries, webhooks};
use coop_domain::changes::ResourceType;

/// A subscription as stored.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhooks, treat_none_as_null = true)]
pub struct WebhookRow {
    pub id: Uuid,
    pub company_id: Option<Uuid>,
    pub url: String,
    pub types: Vec<ResourceType>,
    pub description: Option<String>,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub position: i64,
    pub delivering_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Delivery states.
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// A delivery as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub position: i64,
    pub event_type: String,
    pub payload: serde_json::Value,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub first_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i16>,
    pub last_error: Option<String>,
    pub last_latency_ms: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One attempt at a delivery.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub delivery_id: Uuid,
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    pub status: Option<i16>,
    pub latency_ms: i32,
    pub error: Option<String>,
}

/// The last position of the change log (0 when it is empty).
pub async fn latest_position(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    use diesel::dsl::max;
    changes::table
        .select(max(changes::position))
        .first::<Option<i64>>(conn)
        .await
        .map(Option::unwrap_or_default)
}

/// Stores a new subscription; it starts after the last change logged so far.
pub async fn insert(conn: &mut AsyncPgConnection, row: &WebhookRow) -> QueryResult<WebhookRow> {
    let mut row = row.clone();
    row.position = latest_position(conn).await?;
    diesel::insert_into(webhooks::table)
        .values(&row)
        .returning(WebhookRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<WebhookRow> {
    webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(conn)
        .await
}

/// Up to `limit + 1` subscriptions in id order after `after`: all of them, or one company's.
pub async fn list(
    conn: &mut AsyncPgConnection,
    company: Option<Uuid>,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<WebhookRow>> {
    let mut query = webhooks::table
        .select(WebhookRow::as_select())
        .order(webhooks::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(company) = company {
        query = query.filter(webhooks::company_id.eq(company));
    }
    if let Some(after) = after {
        query = query.filter(webhooks::id.gt(after));
    }
    query.load(conn).await
}

/// Writes the subscription's settings (the delivery bookkeeping columns are left alone).
pub async fn update(conn: &mut AsyncPgConnection, row: &WebhookRow) -> QueryResult<WebhookRow> {
    use webhooks::dsl as w;
    diesel::update(webhooks::table.find(row.id))
        .set((
            w::url.eq(&row.url),
            w::types.eq(&row.types),
            w::description.eq(&row.description),
            w::active.eq(row.active),
            w::disabled_reason.eq(&row.disabled_reason),
            w::secret.eq(&row.secret),
            w::previous_secret.eq(&row.previous_secret),
            w::previous_secret_until.eq(row.previous_secret_until),
            w::updated_at.eq(row.updated_at),
        ))
        .returning(WebhookRow::as_returning())
        .get_result(conn)
        .await
}

/// Which deliveries of a subscription to queue again.
#[derive(Debug, Clone, Copy)]
pub enum Requeue {
    /// Those that failed for good (the subscription is turned back on).
    Failed,
    /// One asked for again.
    One(Uuid),
}

/// Queues deliveries again, to go out now, before the later ones of their subscription.
pub async fn requeue(
    conn: &mut AsyncPgConnection,
    webhook_id: Uuid,
    which: Requeue,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    use webhook_deliveries::dsl as d;
    let update = diesel::update(webhook_deliveries::table.filter(d::webhook_id.eq(webhook_id)))
        .set((
            d::state.eq(PENDING),
            d::next_attempt_at.eq(now),
            d::first_attempt_at.eq(None::<DateTime<Utc>>),
        ))
        .into_boxed();
    let update = match which {
        Requeue::Failed => update.filter(d::state.eq(FAILED)),
        Requeue::One(id) => update.filter(d::id.eq(id)),
    };
    update.execute(conn).await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(webhooks::table.find(id)).execute(conn).await
}

/// Whether an active subscription has changes after its position.
pub async fn any_behind(conn: &mut AsyncPgConnection, latest: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        webhooks::table
            .filter(webhooks::active.eq(true))
            .filter(webhooks::position.lt(latest)),
    ))
    .get_result(conn)
    .await
}

/// Locks up to `limit` active subscriptions that have changes after their position, skipping
/// those another replica is fanning out (call inside a transaction).
pub async fn lock_for_fan_out(
    conn: &mut AsyncPgConnection,
    latest: i64,
    limit: i64,
) -> QueryResult<Vec<WebhookRow>> {
    webhooks::table
        .filter(webhooks::active.eq(true))
        .filter(webhooks::position.lt(latest))
        .order(webhooks::position.asc())
        .limit(limit)
        .for_update()
        .skip_locked()
        .select(WebhookRow::as_select())
        .load(conn)
        .await
}

/// Deliveries inserted by one statement at most. Each carries its resource's representation
/// (1–2 KB), and a connection keeps for its whole life a buffer as large as the largest
/// statement it sent: 500 deliveries in one statement would leave about 1 MB on it.
const QUEUE_CHUNK: usize = 50;

/// Queues deliveries and moves the subscription's position past the changes considered.
pub async fn queue(
    conn: &mut AsyncPgConnection,
    webhook_id: Uuid,
    deliveries: &[DeliveryRow],
    position: i64,
) -> QueryResult<()> {
    for chunk in deliveries.chunks(QUEUE_CHUNK) {
        diesel::insert_into(webhook_deliveries::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    diesel::update(webhooks::table.find(webhook_id))
        .set(webhooks::position.eq(position))
        .execute(conn)
        .await
        .map(drop)
}

pub(crate) static CLAIM_WEBHOOKS: LazyLock<Sql> =
    LazyLock::new(|| Sql::new(include_str!("../sql/claim_webhooks.sql")));

struct ClaimParams {
    lease_until: DateTime<Utc>,
    limit: i32,
}

impl Params for ClaimParams {
    fn value(&self, name: &str) -> Option<Bind<'_>> {
        Some(match name {
            "lease_until" => Bind::Timestamptz(self.lease_until),
            "limit" => Bind::Integer(self.limit),
            _ => return None,
        })
    }
}

/// Takes up to `limit` subscriptions whose next delivery is due, until `lease_until`.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    lease_until: DateTime<Utc>,
    limit: i32,
) -> QueryResult<Vec<WebhookRow>> {
    CLAIM_WEBHOOKS
        .bind(&ClaimParams { lease_until, limit })
        .load(conn)
        .await
}

/// Gives a subscription back for another replica or round.
pub async fn release(conn: &mut AsyncPgConnection, webhook_id: Uuid) -> QueryResult<()> {
    diesel::update(webhooks::table.find(webhook_id))
        .set(webhooks::delivering_until.eq(None::<DateTime<Utc>>))
        .execute(conn)
        .await
        .map(drop)
}

/// The next `limit` pending deliveries of a subscription after position `after`, in order.
pub async fn pending(
    conn: &mut AsyncPgConnection,
    webhook_id: Uuid,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    use webhook_deliveries::dsl as d;
    webhook_deliveries::table
        .filter(d::webhook_id.eq(webhook_id))
        .filter(d::state.eq(PENDING))
        .filter(d::position.gt(after))
        .order(d::position.asc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
        .await
}

/// What became of an attempt.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub attempt: AttemptRow,
    /// `delivered`, `pending` (retry at `next_attempt_at`) or `failed`.
    pub state: &'static str,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// Records attempts and their outcomes, in two statements however many there are.
pub async fn record(conn: &mut AsyncPgConnection, outcomes: &[Outcome]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Int2, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
    if outcomes.is_empty() {
        return Ok(());
    }
    let attempts: Vec<&AttemptRow> = outcomes.iter().map(|o| &o.attempt).collect();
    diesel::insert_into(webhook_attempts::table)
        .values(attempts.clone())
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    diesel::sql_query(
        "UPDATE webhook_deliveries AS d
         SET state = o.state, attempts = o.attempt, next_attempt_at = o.next_attempt_at,
             first_attempt_at = coalesce(d.first_attempt_at, o.attempted_at),
             last_attempt_at = o.attempted_at, last_status = o.status, last_error = o.error,
             last_latency_ms = o.latency_ms,
             delivered_at = CASE WHEN o.state = 'delivered' THEN o.attempted_at END
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[],
                     $6::int2[], $7::text[], $8::int[])
             AS o(id, state, attempt, attempted_at, next_attempt_at, status, error, latency_ms)
         WHERE d.id = o.id",
    )
    .bind::<Array<SqlUuid>, _>(attempts.iter().map(|a| a.delivery_id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(outcomes.iter().map(|o| o.state).collect::<Vec<_>>())
    .bind::<Array<Int4>, _>(attempts.iter().map(|a| a.attempt).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(attempts.iter().map(|a| a.attempted_at).collect::<Vec<_>>())
    .bind::<Array<Nullable<Timestamptz>>, _>(
        outcomes
            .iter()
            .map(|o| o.next_attempt_at)
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Int2>>, _>(attempts.iter().map(|a| a.status).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(attempts.iter().map(|a| a.error.clone()).collect::<Vec<_>>())
    .bind::<Array<Int4>, _>(attempts.iter().map(|a| a.latency_ms).collect::<Vec<_>>())
    .execute(conn)
    .await
    .map(drop)
}

/// Turns a subscription off, saying why.
pub async fn disable(
    conn: &mut AsyncPgConnection,
    webhook_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    use webhooks::dsl as w;
    diesel::update(webhooks::table.find(webhook_id))
        .set((
            w::active.eq(false),
            w::disabled_reason.eq(reason),
            w::delivering_until.eq(None::<DateTime<Utc>>),
            w::updated_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Up to `limit + 1` deliveries of a subscription, newest first, before position `before`.
pub async fn deliveries(
    conn: &mut AsyncPgConnection,
    webhook_id: Uuid,
    state: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    use webhook_deliveries::dsl as d;
    let mut query = webhook_deliveries::table
        .filter(d::webhook_id.eq(webhook_id))
        .order(d::position.desc())
        .limit(limit + 1)
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(d::state.eq(state.to_owned()));
    }
    if let Some(before) = before {
        query = query.filter(d::position.lt(before));
    }
    query.load(conn).await
}

pub async fn find_delivery(
    conn: &mut AsyncPgConnection,
    webhook_id: Uuid,
    id: Uuid,
) -> QueryResult<DeliveryRow> {
    use webhook_deliveries::dsl as d;
    webhook_deliveries::table
        .filter(d::webhook_id.eq(webhook_id))
        .filter(d::id.eq(id))
        .select(DeliveryRow::as_select())
        .first(conn)
        .await
}

/// The attempts at these deliveries, in order.
pub async fn attempts(
    conn: &mut AsyncPgConnection,
    delivery_ids: &[Uuid],
) -> QueryResult<Vec<AttemptRow>> {
    use webhook_attempts::dsl as a;
    webhook_attempts::table
        .filter(a::delivery_id.eq_any(delivery_ids))
        .order((a::delivery_id, a::attempt))
        .select(AttemptRow::as_select())
        .load(conn)
        .await
}
