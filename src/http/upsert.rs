//! Creating or replacing a resource by its external id (`PUT …/by-external-id/{external_id}`
//! and each line of an import): the preconditions a client may set, what happened, and the
//! transaction that commits it or, for a dry run, rolls it back.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use diesel_async::{AsyncConnection, AsyncPgConnection, TransactionManager};
use serde::Serialize;
use utoipa::ToSchema;

use super::etag::{Condition, ETag, Tagged, if_match};
use super::problem::ApiError;
use coop_domain::external_id;

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing had this external id: the resource is new.
    Created,
    /// The resource with this external id was replaced.
    Updated,
    /// The resource with this external id already was as sent: nothing was written.
    Unchanged,
}

/// The conditions of an upsert (RFC 9110): `If-Match` (the resource must exist with one of
/// these ETags; `*`: must exist) and `If-None-Match: *` (it must not exist yet).
#[derive(Debug, Default)]
pub struct Preconditions {
    if_match: Option<Condition>,
    if_none_match: Option<Condition>,
}

impl Preconditions {
    pub fn of(req: &HttpRequest) -> Self {
        Preconditions {
            if_match: if_match(req.headers()),
            if_none_match: req.headers().get(header::IF_NONE_MATCH).map(|v| {
                v.to_str()
                    .map_or(Condition::Tags(Vec::new()), Condition::parse)
            }),
        }
    }

    /// Checks them when nothing has the external id yet.
    pub fn check_absent(&self) -> Result<(), ApiError> {
        match &self.if_match {
            Some(_) => Err(ApiError::PreconditionFailed(
                "If-Match names a version, but nothing has this external id; nothing was created"
                    .into(),
            )),
            None => Ok(()),
        }
    }

    /// Checks them against the current version.
    pub fn check_present(&self, current: &ETag) -> Result<(), ApiError> {
        if self
            .if_none_match
            .as_ref()
            .is_some_and(|c| current.listed_in(c))
        {
            return Err(ApiError::PreconditionFailed(format!(
                "If-None-Match names the current version {} (or `*`); nothing was replaced",
                current.as_str()
            )));
        }
        super::etag::check_if_match(self.if_match.as_ref(), current)
    }
}

/// The answer to an upsert: 201 with `Location` when it created, 200 otherwise, with the
/// resource and its ETag either way.
pub fn respond(outcome: Outcome, location: String, resource: Tagged) -> HttpResponse {
    let mut response = match outcome {
        Outcome::Created => HttpResponse::Created(),
        Outcome::Updated | Outcome::Unchanged => HttpResponse::Ok(),
    };
    if outcome == Outcome::Created {
        response.insert_header((header::LOCATION, location));
    }
    resource.with_status(response)
}

/// The external id of the path, parsed: a malformed one names no resource, and says why.
pub fn path_external_id(req: &HttpRequest) -> Result<String, ApiError> {
    let raw = req.match_info().get("external_id").unwrap_or_default();
    external_id::parse(raw).map_err(|m| ApiError::bad_parameter("external_id", m))
}

/// The external id a body may repeat: absent, or the one of the path.
pub fn same_external_id(errors: &mut coop_domain::Errors, in_body: &Option<String>, in_path: &str) {
    if in_body.as_deref().is_some_and(|id| id != in_path) {
        errors.add(
            "external_id",
            format!("must be the external id of the path, `{in_path}`, or left out"),
        );
    }
}

/// Runs `write` in a transaction that commits, or with `dry_run` rolls back, and returns
/// its result either way: a dry run meets every check a real write meets (constraints
/// included) and leaves nothing behind.
pub async fn transaction<T>(
    conn: &mut AsyncPgConnection,
    dry_run: bool,
    write: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    type Manager = <AsyncPgConnection as AsyncConnection>::TransactionManager;
    Manager::begin_transaction(conn).await?;
    let outcome = write(conn).await;
    if outcome.is_ok() && !dry_run {
        Manager::commit_transaction(conn).await?;
    } else if let Err(rollback) = Manager::rollback_transaction(conn).await {
        log::warn!("rolling a write back failed: {rollback}");
        // The connection is in an unknown state: the caller must not go on with it.
        return Err(rollback.into());
    }
    outcome
}
