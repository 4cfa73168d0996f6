//! `/api/v1/webhooks`: subscriptions, their secrets and their delivery logs.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use uuid::Uuid;

use super::signing::new_secret;
use super::target::TargetPolicy;
use super::types::{
    Attempt, CreateWebhook, CreatedWebhook, Delivery, DeliveryListParams, NewSecret, UpdateWebhook,
    Webhook, WebhookListParams,
};
use crate::auth::Caller;
use crate::http::{ApiError, Cursor, JsonBody, NestedPath, Page, PathId, Problem, Query};
use crate::idempotency;
use coop_domain::Errors;
use coop_domain::changes::ResourceType;
use coop_domain::text;
use coop_store::db::DbPool;
use coop_store::webhooks::{self as store, WebhookRow};

/// How long the previous secret keeps signing after a rotation.
const ROTATION_OVERLAP_HOURS: i64 = 24;

fn location(id: Uuid) -> String {
    format!("/api/v1/webhooks/{id}")
}

fn webhook_missing(id: Uuid) -> ApiError {
    ApiError::not_found(format!("no webhook with id {id}"))
}

/// The subscription, when the caller manages it (404 otherwise, as if it did not exist).
async fn managed(
    conn: &mut diesel_async::AsyncPgConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<WebhookRow, ApiError> {
    caller.webhook_owner()?;
    store::find(conn, id)
        .await
        .optional()?
        .filter(|row| caller.manages_webhook_of(row.company_id))
        .ok_or_else(|| webhook_missing(id))
}

/// Checks a description: one line of at most 500 characters, blank meaning none.
fn description(errors: &mut Errors, value: Option<String>) -> Option<String> {
    text::optional(
        errors,
        "description",
        value.as_deref(),
        super::types::MAX_DESCRIPTION,
        text::Lines::One,
    )
}

async fn check_url(policy: &TargetPolicy, errors: &mut Errors, url: &str) {
    if let Err(message) = policy.check(url).await {
        errors.add("url", message);
    }
}

/// The resource types a subscription wants, each once, in a stable order.
fn distinct(mut types: Vec<ResourceType>) -> Vec<ResourceType> {
    types.sort_by_key(|t| <&str>::from(*t));
    types.dedup();
    types
}

/// Create a webhook subscription
///
/// Deliveries follow the Standard Webhooks specification: each change is POSTed as JSON
/// (`type`, `timestamp`, `data`: the change as the change feed shows it) with the headers
/// `webhook-id` (the same for every attempt: drop repeats by it), `webhook-timestamp` (Unix
/// seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`,
/// keyed with the base64-decoded part of the secret after `whsec_`; during a rotation a
/// second signature, space-separated). Answer 2xx within 10 seconds; redirects are not
/// followed. Each subscription receives its changes one at a time, in feed order. A failed
/// delivery is retried with exponential backoff and jitter (5 s, 10 s, 20 s, … up to 6 hours
/// apart) for 3 days; then the subscription is turned off with `disabled_reason`, and turning
/// it back on delivers what it missed.
///
/// The target must be `https` on a public address (loopback, private and link-local addresses
/// are refused, now and at each delivery). The subscription starts with the changes after its
/// creation; read the change feed for what came before. A company key's subscription
/// receives what that key may read; an admin's, everything. The secret is shown only in this
/// response. Needs an admin key or a company key.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "createWebhook",
    security(("bearer" = [])),
    request_body(content = CreateWebhook, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; the body holds the signing secret, shown only here", body = CreatedWebhook,
            headers(("Location" = String, description = "URL of the new subscription"))),
    ),
)]
#[post("/webhooks")]
pub async fn create_webhook(
    caller: Caller,
    pool: web::Data<DbPool>,
    policy: web::Data<TargetPolicy>,
    body: JsonBody<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let company_id = caller.webhook_owner()?;
    let body = body.0;
    let mut errors = Errors::default();
    check_url(&policy, &mut errors, &body.url).await;
    let description = description(&mut errors, body.description);
    errors.finish()?;
    let now = Utc::now();
    let secret = new_secret().map_err(ApiError::internal)?;
    let row = WebhookRow {
        id: Uuid::now_v7(),
        company_id,
        url: body.url,
        types: distinct(body.types),
        description,
        active: body.active.unwrap_or(true),
        disabled_reason: None,
        secret: secret.clone(),
        previous_secret: None,
        previous_secret_until: None,
        position: 0,
        delivering_until: None,
        created_at: now,
        updated_at: now,
    };
    let mut conn = pool.get().await?;
    let row = idempotency::write(&mut conn, async |conn| {
        store::insert(conn, &row)
            .await
            .map_err(ApiError::dangling(&[(
                "webhooks_company_id_fkey",
                "company_id",
                "company",
            )]))
    })
    .await?;
    let created = CreatedWebhook {
        webhook: Webhook::from_row(row, now),
        secret,
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location(created.webhook.id)))
        // The body holds a secret: no cache may keep it.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(created))
}

/// List webhook subscriptions
///
/// An admin key lists every subscription, a company key its company's. Oldest first.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhooks",
    security(("bearer" = [])),
    params(WebhookListParams),
    responses(
        (status = 200, description = "One page of subscriptions", body = Page<Webhook>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
    ),
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    params: Result<Query<WebhookListParams>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let company = caller.webhook_owner()?;
    let p = params?.0;
    let limit = p.limit.get();
    let after = p
        .cursor
        .map(|c| c.for_sort("id"))
        .transpose()?
        .map(|c| c.id);
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, company, after, limit).await?;
    let now = Utc::now();
    let page = Page::from_rows(
        rows,
        limit,
        |row| Cursor {
            s: "id".into(),
            k: serde_json::Value::Null,
            id: row.id,
        },
        |row| Webhook::from_row(row, now),
    );
    Ok(page.respond(&req))
}

/// Get a webhook subscription
///
/// Never shows the secret. Needs an admin key or the key of the subscription's company.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "getWebhook",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = Webhook),
        (status = 404, description = "No subscription this key manages has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let row = managed(&mut conn, &caller, id.0).await?;
    Ok(HttpResponse::Ok().json(Webhook::from_row(row, Utc::now())))
}

/// Update a webhook subscription
///
/// JSON merge patch of `url`, `types`, `description` and `active`. Turning a subscription
/// back on clears `disabled_reason` and queues again the deliveries that had failed for
/// good, before the changes made while it was off. Needs an admin key or the key of the
/// subscription's company.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "updateWebhook",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    request_body(content(
        (UpdateWebhook = "application/merge-patch+json"),
        (UpdateWebhook = "application/json"),
    )),
    responses(
        (status = 200, description = "The updated subscription", body = Webhook),
        (status = 404, description = "No subscription this key manages has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    caller: Caller,
    pool: web::Data<DbPool>,
    policy: web::Data<TargetPolicy>,
    id: PathId,
    body: JsonBody<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.0;
    let mut conn = pool.get().await?;
    let current = managed(&mut conn, &caller, id.0).await?;
    let mut errors = Errors::default();
    let mut row = current.clone();
    let url_sent = matches!(patch.url, crate::http::Patch::Set(_));
    row.url = patch.url.required(&mut errors, "url", row.url);
    if url_sent {
        check_url(&policy, &mut errors, &row.url).await;
    }
    row.types = distinct(patch.types.apply_to(Some(row.types)).unwrap_or_default());
    row.description = description(&mut errors, patch.description.apply_to(row.description));
    row.active = patch.active.required(&mut errors, "active", row.active);
    errors.finish()?;
    let now = Utc::now();
    let turned_on = row.active && !current.active;
    if turned_on {
        row.disabled_reason = None;
    }
    row.updated_at = now;
    let row = idempotency::transaction(&mut conn, async |conn| {
        if turned_on {
            store::requeue(conn, row.id, store::Requeue::Failed, now).await?;
        }
        Ok(store::update(conn, &row).await?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Webhook::from_row(row, now)))
}

/// Delete a webhook subscription
///
/// Its pending deliveries and its delivery log go with it. Needs an admin key or the key of
/// the subscription's company.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "deleteWebhook",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No subscription this key manages has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    managed(&mut conn, &caller, id.0).await?;
    store::delete(&mut conn, id.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook subscription's secret
///
/// Makes a new signing secret and shows it, this once. For the next 24 hours deliveries carry
/// two signatures (`webhook-signature: v1,<new> v1,<previous>`), so the receiver can switch
/// to the new secret at its pace; then only the new one signs. Needs an admin key or the key
/// of the subscription's company.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "rotateWebhookSecret",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 201, description = "The new secret, shown only here", body = NewSecret),
        (status = 404, description = "No subscription this key manages has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/webhooks/{id}/secrets")]
pub async fn rotate_secret(
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let mut row = managed(&mut conn, &caller, id.0).await?;
    let now = Utc::now();
    let secret = new_secret().map_err(ApiError::internal)?;
    let until: DateTime<Utc> = now + chrono::Duration::hours(ROTATION_OVERLAP_HOURS);
    row.previous_secret = Some(std::mem::replace(&mut row.secret, secret.clone()));
    row.previous_secret_until = Some(until);
    row.updated_at = now;
    idempotency::write(&mut conn, async |conn| Ok(store::update(conn, &row).await?)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(NewSecret {
            secret,
            previous_secret_expires_at: until,
        }))
}

/// List a webhook subscription's deliveries
///
/// Newest first, each with its attempts (time, status code, latency, error) and, while
/// pending, when the next attempt is due. Needs an admin key or the key of the
/// subscription's company.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhookDeliveries",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Subscription id"), DeliveryListParams),
    responses(
        (status = 200, description = "One page of deliveries", body = Page<Delivery>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
        (status = 404, description = "No subscription this key manages has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
    params: Result<Query<DeliveryListParams>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    managed(&mut conn, &caller, id.0).await?;
    let p = params?.0;
    let limit = p.limit.get();
    let before = match p.cursor {
        Some(cursor) => Some(cursor.for_sort("-position")?.key_i64()?),
        None => None,
    };
    let state = p.state.map(<&'static str>::from);
    let rows = store::deliveries(&mut conn, id.0, state, before, limit).await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut attempts: std::collections::HashMap<Uuid, Vec<Attempt>> = Default::default();
    for attempt in store::attempts(&mut conn, &ids).await? {
        attempts
            .entry(attempt.delivery_id)
            .or_default()
            .push(attempt.into());
    }
    let page = Page::from_rows(
        rows,
        limit,
        |row| Cursor {
            s: "-position".into(),
            k: row.position.into(),
            id: row.id,
        },
        |row| {
            let mine = attempts.get(&row.id).cloned().unwrap_or_default();
            Delivery::from_row(row, mine)
        },
    );
    Ok(page.respond(&req))
}

/// Redeliver a change
///
/// Queues the delivery again, whatever its state, to go out before the later deliveries of
/// its subscription (with the same `webhook-id`, so a receiver that already has it can drop
/// it). Needs an admin key or the key of the subscription's company.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "redeliverWebhookDelivery",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("part_id" = Uuid, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Queued; the delivery as it now stands", body = Delivery),
        (status = 404, description = "No such subscription or delivery", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/webhooks/{id}/deliveries/{part_id}/attempts")]
pub async fn redeliver(
    caller: Caller,
    pool: web::Data<DbPool>,
    notify: web::Data<super::delivery::Wake>,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    managed(&mut conn, &caller, path.parent_id).await?;
    let missing = || ApiError::not_found(format!("no delivery with id {}", path.id));
    let now = Utc::now();
    let updated = idempotency::write(&mut conn, async |conn| {
        Ok(store::requeue(conn, path.parent_id, store::Requeue::One(path.id), now).await?)
    })
    .await?;
    if updated == 0 {
        return Err(missing());
    }
    notify.deliveries_due();
    let row = store::find_delivery(&mut conn, path.parent_id, path.id)
        .await
        .optional()?
        .ok_or_else(missing)?;
    let attempts = store::attempts(&mut conn, &[row.id])
        .await?
        .into_iter()
        .map(Attempt::from)
        .collect();
    Ok(HttpResponse::Accepted().json(Delivery::from_row(row, attempts)))
}
