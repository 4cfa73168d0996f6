//! Liveness and readiness probes for orchestrators and load balancers.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::{ApiError, Problem};
use coop_store::db::DbPool;

/// Probe result.
#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness
///
/// The process is up and serving HTTP. Does not touch the database.
#[utoipa::path(
    tag = "health",
    operation_id = "healthz",
    responses((status = 200, description = "The process is up", body = Health)),
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness
///
/// The database answers. Otherwise `503` with `Retry-After`, so a load balancer can take this
/// replica out of rotation until the database is back.
#[utoipa::path(
    tag = "health",
    operation_id = "readyz",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i32, description = "Seconds to wait before retrying"))),
    ),
)]
#[get("/readyz")]
pub async fn readyz(pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    coop_store::db::ping(&pool)
        .await
        .map_err(ApiError::Unavailable)?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}
