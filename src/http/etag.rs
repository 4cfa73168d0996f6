//! Entity tags and conditional requests: `ETag` on single resources, `If-None-Match` → 304 on
//! reads, `If-Match` → 412 on writes.

use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use super::problem::ApiError;

/// A strong entity tag: a hash of the resource's JSON representation, so it changes exactly
/// when what the client would see changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(String);

impl ETag {
    pub fn of_bytes(body: &[u8]) -> Self {
        ETag(format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a list of entity tags from `If-Match`/`If-None-Match` names this one (`*` names
    /// any). Weak tags (`W/"..."`) are compared by their opaque part.
    fn listed_in(&self, header_value: &str) -> bool {
        header_value.split(',').map(str::trim).any(|tag| {
            tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == self.0
        })
    }
}

/// A resource serialized once, with its ETag.
pub struct Tagged {
    pub body: Vec<u8>,
    pub etag: ETag,
}

impl Tagged {
    pub fn new<T: Serialize>(resource: &T) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(resource).map_err(ApiError::internal)?;
        let etag = ETag::of_bytes(&body);
        Ok(Self { body, etag })
    }

    /// `200` with the body and ETag, or `304` when the client's `If-None-Match` already names
    /// this version.
    pub fn respond(self, req: &HttpRequest) -> HttpResponse {
        let not_modified = header_str(req.headers(), header::IF_NONE_MATCH)
            .is_some_and(|v| self.etag.listed_in(v));
        if not_modified {
            return HttpResponse::NotModified()
                .insert_header((header::ETAG, self.etag.as_str()))
                .finish();
        }
        self.with_status(HttpResponse::Ok())
    }

    pub fn with_status(self, mut builder: actix_web::HttpResponseBuilder) -> HttpResponse {
        builder
            .insert_header((header::ETAG, self.etag.as_str()))
            .content_type("application/json")
            .body(self.body)
    }
}

/// The `If-Match` header, taken out of the request so it can travel into a transaction.
pub fn if_match(headers: &HeaderMap) -> Option<String> {
    header_str(headers, header::IF_MATCH).map(str::to_owned)
}

/// Checks `If-Match` against the current version: absent passes, a list without the current
/// tag fails with 412 so a client never overwrites a change it has not seen.
pub fn check_if_match(if_match: Option<&str>, current: &ETag) -> Result<(), ApiError> {
    match if_match {
        Some(value) if !current.listed_in(value) => Err(ApiError::PreconditionFailed(format!(
            "If-Match {value} does not match the current ETag {}; fetch the resource again and reapply your change",
            current.as_str()
        ))),
        _ => Ok(()),
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
