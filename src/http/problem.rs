//! RFC 9457 problem details: the one error type every handler returns, and its JSON body.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use coop_domain::FieldError;
use coop_domain::Invalid;
use coop_domain::access::Denied;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying when the database is unavailable.
const RETRY_AFTER_SECS: u32 = 2;

/// An error response (RFC 9457 problem details, media type `application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:coopapi:problem:validation-failed",
    "title": "The request contains invalid values",
    "status": 422,
    "detail": "2 fields are invalid",
    "errors": [
        {"field": "name", "message": "must not be empty"},
        {"field": "country", "message": "must be an ISO 3166-1 alpha-2 country code such as FR or RU"}
    ]
}))]
pub struct Problem {
    /// A URI identifying the kind of problem; stable, so clients can branch on it.
    #[serde(rename = "type")]
    #[schema(example = "urn:coopapi:problem:not-found")]
    pub problem_type: String,
    /// A short summary of the kind of problem.
    #[schema(example = "Resource not found")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 404)]
    pub status: u16,
    /// What went wrong in this occurrence.
    #[schema(example = "no company with id 0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d")]
    pub detail: String,
    /// The invalid fields or parameters (validation problems only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request's id, as in its `X-Request-Id` response header: quote it when reporting a
    /// problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "0190f5c48c227d3ea1b2c3d4e5f60718")]
    pub request_id: Option<String>,
}

/// Everything a request can fail with. Handlers return `Result<_, ApiError>`; the variants map
/// one to one onto the statuses of the API contract.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// No key, or a key that is not valid (unknown, revoked, expired, malformed).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// A valid key that may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("validation failed: {0:?}")]
    Unprocessable(Vec<FieldError>),
    /// `allow`: the methods the path accepts, for the `Allow` header.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("too many requests; retry in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn bad_parameter(field: impl Into<String>, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, message);
        Self::BadRequest {
            detail: format!("parameter `{}` {}", error.field, error.message),
            errors: vec![error],
        }
    }

    /// An operation that needs a key was called without one.
    pub fn key_required() -> Self {
        Self::Unauthorized(
            "this operation needs an API key: send `Authorization: Bearer <key>`".into(),
        )
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::Unauthorized(detail.into())
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden(detail.into())
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound(detail.into())
    }

    /// Maps diesel's NotFound for a lookup by id to a 404 naming the resource.
    pub fn missing(
        what: &'static str,
        id: uuid::Uuid,
    ) -> impl FnOnce(diesel::result::Error) -> Self {
        move |e| match e {
            diesel::result::Error::NotFound => Self::not_found(format!("no {what} with id {id}")),
            other => other.into(),
        }
    }

    /// Maps a foreign-key violation on insert or update (the referenced row does not exist) to
    /// a 422 on the field behind the violated constraint. `refs` lists
    /// `(constraint, field, what it names)`; other errors map as usual.
    pub fn dangling(
        refs: &'static [(&'static str, &'static str, &'static str)],
    ) -> impl FnOnce(diesel::result::Error) -> Self {
        move |e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                info,
            ) => {
                let constraint = info.constraint_name().unwrap_or_default();
                match refs.iter().find(|(c, _, _)| *c == constraint) {
                    Some((_, field, what)) => {
                        Self::invalid(*field, format!("is not the id of an existing {what}"))
                    }
                    None => {
                        Self::Internal(format!("unexpected foreign key violation: {constraint}"))
                    }
                }
            }
            other => other.into(),
        }
    }

    /// Like [`ApiError::dangling`], and the violation of a unique constraint named in
    /// `uniques` is a 409 with its explanation (a taken `external_id`).
    pub fn rejected(
        refs: &'static [(&'static str, &'static str, &'static str)],
        uniques: &'static [(&'static str, &'static str)],
    ) -> impl FnOnce(diesel::result::Error) -> Self {
        move |e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                ref info,
            ) => {
                let constraint = info.constraint_name().unwrap_or_default();
                match uniques.iter().find(|(c, _)| *c == constraint) {
                    Some((_, detail)) => Self::conflict(*detail),
                    None => e.into(),
                }
            }
            other => Self::dangling(refs)(other),
        }
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::Conflict(detail.into())
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Unprocessable(vec![FieldError::new(field, message)])
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest { .. } => ("bad-request", "The request is malformed"),
            Self::Unauthorized(_) => ("unauthorized", "A valid API key is required"),
            Self::Forbidden(_) => ("forbidden", "This key may not do this"),
            Self::NotFound(_) => ("not-found", "Resource not found"),
            Self::Conflict(_) => ("conflict", "The request conflicts with the current state"),
            Self::PreconditionFailed(_) => (
                "precondition-failed",
                "The resource has changed since it was read",
            ),
            Self::PayloadTooLarge(_) => ("payload-too-large", "The request body is too large"),
            Self::UnsupportedMediaType(_) => (
                "unsupported-media-type",
                "The request body has an unsupported media type",
            ),
            Self::Unprocessable(_) => ("validation-failed", "The request contains invalid values"),
            Self::MethodNotAllowed { .. } => (
                "method-not-allowed",
                "The method is not allowed on this resource",
            ),
            Self::TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            Self::Unavailable(_) => (
                "service-unavailable",
                "The database is unavailable, retry shortly",
            ),
            Self::Internal(_) => ("internal-error", "An unexpected error occurred"),
        }
    }

    /// The body sent to the client. Internal causes are replaced by a fixed sentence.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let (detail, errors) = match self {
            Self::BadRequest { detail, errors } => (detail.clone(), errors.clone()),
            Self::Unprocessable(errors) => {
                let detail = match errors.as_slice() {
                    [one] => format!("`{}` {}", one.field, one.message),
                    many => format!("{} fields are invalid", many.len()),
                };
                (detail, errors.clone())
            }
            Self::Unauthorized(d)
            | Self::Forbidden(d)
            | Self::NotFound(d)
            | Self::Conflict(d)
            | Self::PreconditionFailed(d)
            | Self::PayloadTooLarge(d)
            | Self::UnsupportedMediaType(d) => (d.clone(), Vec::new()),
            Self::MethodNotAllowed { .. } => (
                "see the API documentation at /docs/ for the methods this path accepts".into(),
                Vec::new(),
            ),
            Self::TooManyRequests { retry_after } => (
                format!(
                    "the rate limit of this key (or, without a key, of this address) is used up; retry in {retry_after} s"
                ),
                Vec::new(),
            ),
            Self::Unavailable(_) => (
                "the database could not carry out the request just now (unreachable, too slow, or in conflict with a concurrent write); retry shortly".into(),
                Vec::new(),
            ),
            Self::Internal(_) => (
                "the error was logged; please retry, and report it if it persists".into(),
                Vec::new(),
            ),
        };
        Problem {
            problem_type: format!("urn:coopapi:problem:{slug}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail,
            errors,
            request_id: super::request_id::current(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => log::error!("internal error: {cause}"),
            Self::Unavailable(cause) => log::warn!("database unavailable: {cause}"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match self {
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS));
            }
            Self::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, *retry_after));
            }
            Self::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            // RFC 6750: tells the client which scheme to use, and whether the key it sent
            // was refused.
            Self::Unauthorized(_) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer realm="coopapi""#),
                ));
            }
            _ => {}
        }
        // Serializing a struct of strings cannot fail; an empty body would still carry the status.
        response.body(serde_json::to_vec(&self.problem()).unwrap_or_default())
    }
}

impl From<Invalid> for ApiError {
    fn from(Invalid(errors): Invalid) -> Self {
        Self::Unprocessable(errors)
    }
}

/// An invalid query parameter (400).
impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::bad_parameter(error.field, error.message)
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::KeyRequired => Self::key_required(),
            Denied::Forbidden(reason) => Self::forbidden(reason),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match &error {
            Error::NotFound => Self::not_found("the resource does not exist"),
            Error::DatabaseError(Kind::UniqueViolation, info) => Self::conflict(format!(
                "a resource with the same unique values already exists ({})",
                info.constraint_name().unwrap_or("unique constraint")
            )),
            Error::DatabaseError(Kind::ForeignKeyViolation, _) => {
                Self::conflict("the resource is still referenced by other resources")
            }
            // The connection died under the query (server restarted, backend terminated,
            // network gone): the pool replaces it, so the client may simply retry.
            Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => {
                Self::Unavailable(error.to_string())
            }
            // A transaction chosen as a deadlock's victim or failed by serialization was
            // rolled back whole; the same request succeeds when it runs again.
            Error::DatabaseError(Kind::SerializationFailure, _) => {
                Self::Unavailable(error.to_string())
            }
            // SQLSTATE class 57 (operator intervention) only reaches us as message text.
            Error::DatabaseError(Kind::Unknown, info)
                if [
                    "terminating connection",
                    "shutting down",
                    "starting up",
                    "cannot connect now",
                    "statement timeout",
                    "lock timeout",
                    "deadlock detected",
                    // A standby cancels a read that conflicts with the changes it replays.
                    "conflict with recovery",
                ]
                .iter()
                .any(|m| info.message().contains(m)) =>
            {
                Self::Unavailable(error.to_string())
            }
            _ => Self::Internal(error.to_string()),
        }
    }
}

impl From<coop_store::db::PoolError> for ApiError {
    fn from(error: coop_store::db::PoolError) -> Self {
        use deadpool::managed::PoolError as P;
        match &error {
            P::Timeout(_) | P::Backend(_) => Self::Unavailable(error.to_string()),
            P::Closed | P::NoRuntimeSpecified | P::PostCreateHook(_) => {
                Self::Internal(error.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind as Kind, Error};

    fn database_error(kind: Kind, message: &str) -> ApiError {
        ApiError::from(Error::DatabaseError(kind, Box::new(message.to_string())))
    }

    #[test]
    fn a_deadlock_or_a_serialization_failure_is_a_retryable_503_that_names_neither() {
        for error in [
            database_error(Kind::Unknown, "deadlock detected"),
            database_error(
                Kind::SerializationFailure,
                "could not serialize access due to concurrent update",
            ),
        ] {
            assert_eq!(error.status_code(), StatusCode::SERVICE_UNAVAILABLE);
            let response = error.error_response();
            assert_eq!(
                response.headers().get(header::RETRY_AFTER),
                Some(&HeaderValue::from(RETRY_AFTER_SECS))
            );
            let detail = error.problem().detail;
            assert!(
                !detail.contains("deadlock") && !detail.contains("serialize"),
                "{detail}"
            );
        }
    }

    #[test]
    fn an_unknown_database_error_is_a_500_that_does_not_show_its_cause() {
        let error = database_error(Kind::Unknown, "relation \"offers\" does not exist");
        assert_eq!(error.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!error.problem().detail.contains("offers"));
    }
}
