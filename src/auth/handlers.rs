//! API key endpoints, for admins: create (the only time a key is shown), list, get, revoke.

use crate::idempotency;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::Utc;

use super::types::*;
use super::{AccessControl, Caller};
use crate::http::pagination::after_time;
use crate::http::{ApiError, Cursor, JsonBody, Page, PathId, Problem, Query};
use coop_store::db::DbPool;
use coop_store::keys::{self as store, ApiKeyFilter};

/// Create an API key
///
/// Issues a key with a role: `company` (acts for one company: its profile, its offers, the
/// speakers affiliated with it), `editor` (all content) or `admin` (all content and keys).
/// The response is the only place the key ever appears; the service keeps only its hash.
/// Needs an admin key.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "createApiKey",
    security(("bearer" = [])),
    request_body(content = CreateApiKey, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; `key` is shown this once", body = CreatedApiKey,
            headers(("Location" = String, description = "URL of the new key's record"))),
    ),
)]
#[post("/api-keys")]
pub async fn create_api_key(
    caller: Caller,
    pool: web::Data<DbPool>,
    body: JsonBody<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let mut conn = pool.get().await?;
    let (api_key, key) =
        idempotency::write(&mut conn, async |conn| super::issue(conn, body.0).await).await?;
    let created = CreatedApiKey { api_key, key };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/api-keys/{}", created.api_key.id),
        ))
        // The body holds a secret: no cache may keep it.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(created))
}

/// List API keys
///
/// Newest first, revoked and expired keys included (see `status`). Never shows a secret.
/// Needs an admin key.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "listApiKeys",
    security(("bearer" = [])),
    params(ApiKeyListParams),
    responses(
        (status = 200, description = "One page of keys", body = Page<ApiKey>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
    ),
)]
#[get("/api-keys")]
pub async fn list_api_keys(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    params: Result<Query<ApiKeyListParams>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    // Who may list keys is decided before what they asked for.
    caller.require_admin()?;
    let p = params?.0;
    let limit = p.limit.get();
    let after = after_time(p.cursor, "-created_at")?;
    let filter = ApiKeyFilter {
        company_id: p.company_id,
        role: p.role,
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, after, limit).await?;
    let now = Utc::now();
    let page = Page::from_rows(
        rows,
        limit,
        |row| Cursor::at_time("-created_at", row.created_at, row.id),
        |row| ApiKey::from_row(row, now),
    );
    Ok(page.respond(&req))
}

/// Get an API key
///
/// The key's record, without its secret. Needs an admin key.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "getApiKey",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Key id")),
    responses(
        (status = 200, description = "The key's record", body = ApiKey),
        (status = 404, description = "No key has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/api-keys/{id}")]
pub async fn get_api_key(
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("API key", id.0))?;
    Ok(HttpResponse::Ok().json(ApiKey::from_row(row, Utc::now())))
}

/// Revoke an API key
///
/// The key stops working at once on this server and within `KEY_CACHE_TTL` seconds (5 by
/// default) on other replicas. Its record stays, with `revoked_at` set, so past use can be
/// traced; revoking it again changes nothing. A key cannot revoke itself (409), so an admin
/// cannot lock themselves out by mistake: use another admin key, or `coopapi api-key revoke`.
/// Needs an admin key.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "revokeApiKey",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No key has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key is the one making the request", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/api-keys/{id}")]
pub async fn revoke_api_key(
    caller: Caller,
    pool: web::Data<DbPool>,
    access: web::Data<AccessControl>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("API key", id.0))?;
    if caller.identity().is_some_and(|me| me.key_id == row.id) {
        return Err(ApiError::conflict(
            "a key cannot revoke itself: revoke it with another admin key, or with `coopapi api-key revoke`",
        ));
    }
    store::revoke(&mut conn, id.0, Utc::now()).await?;
    access.keys.evict(&row.prefix);
    Ok(HttpResponse::NoContent().finish())
}
