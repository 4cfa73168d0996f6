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

    /// Whether a condition header names this tag (`*` names any). Weak tags (`W/"..."`) are
    /// compared by their opaque part.
    fn listed_in(&self, condition: &Condition) -> bool {
        match condition {
            Condition::Any => true,
            Condition::Tags(tags) => tags.iter().any(|t| *t == self.0),
        }
    }
}

/// The documented form of `If-Match` and `If-None-Match` (RFC 9110): `*` or a comma-separated
/// list of entity tags, each optionally weak.
pub const CONDITION_PATTERN: &str = r#"^(\*|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$"#;

/// A parsed `If-Match` or `If-None-Match` header.
#[derive(Debug, PartialEq, Eq)]
pub enum Condition {
    Any,
    /// The opaque tags, quotes included, weakness dropped.
    Tags(Vec<String>),
}

impl Condition {
    /// Parses the header exactly as [`CONDITION_PATTERN`] describes it; anything else is a 400
    /// rather than a silent mismatch.
    pub fn parse(header: &'static str, value: &str) -> Result<Self, ApiError> {
        if value == "*" {
            return Ok(Condition::Any);
        }
        let malformed = || {
            ApiError::bad_parameter(
                header,
                "must be * or a comma-separated list of entity tags such as \"5f2b9c0e1d3a4b6c\"",
            )
        };
        let mut tags = Vec::new();
        let mut rest = value;
        loop {
            rest = rest.strip_prefix("W/").unwrap_or(rest);
            let inner = rest.strip_prefix('"').ok_or_else(malformed)?;
            let end = inner.find('"').ok_or_else(malformed)?;
            let opaque = &inner[..end];
            if !opaque.chars().all(|c| c == '!' || ('#'..='~').contains(&c)) {
                return Err(malformed());
            }
            tags.push(format!("\"{opaque}\""));
            rest = inner[end + 1..].trim_start_matches(' ');
            if rest.is_empty() {
                return Ok(Condition::Tags(tags));
            }
            rest = rest.strip_prefix(',').ok_or_else(malformed)?.trim_start_matches(' ');
        }
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
    pub fn respond(self, req: &HttpRequest) -> Result<HttpResponse, ApiError> {
        let condition = header_str(req.headers(), header::IF_NONE_MATCH)
            .map(|v| Condition::parse("If-None-Match", v))
            .transpose()?;
        if condition.is_some_and(|c| self.etag.listed_in(&c)) {
            return Ok(HttpResponse::NotModified()
                .insert_header((header::ETAG, self.etag.as_str()))
                .finish());
        }
        Ok(self.with_status(HttpResponse::Ok()))
    }

    pub fn with_status(self, mut builder: actix_web::HttpResponseBuilder) -> HttpResponse {
        builder
            .insert_header((header::ETAG, self.etag.as_str()))
            .content_type("application/json")
            .body(self.body)
    }
}

/// The parsed `If-Match` header, taken out of the request so it can travel into a transaction.
/// A header that is not present or not readable as text counts as absent; a malformed one is a 400.
pub fn if_match(headers: &HeaderMap) -> Result<Option<Condition>, ApiError> {
    header_str(headers, header::IF_MATCH)
        .map(|v| Condition::parse("If-Match", v))
        .transpose()
}

/// Checks `If-Match` against the current version: absent passes, a list without the current
/// tag fails with 412 so a client never overwrites a change it has not seen.
pub fn check_if_match(if_match: Option<&Condition>, current: &ETag) -> Result<(), ApiError> {
    match if_match {
        Some(condition) if !current.listed_in(condition) => Err(ApiError::PreconditionFailed(
            format!(
                "If-Match does not name the current ETag {}; fetch the resource again and reapply your change",
                current.as_str()
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_star_and_tag_lists() {
        assert_eq!(Condition::parse("If-Match", "*").unwrap(), Condition::Any);
        assert_eq!(
            Condition::parse("If-Match", r#""a", W/"b,c" ,"""#).unwrap(),
            Condition::Tags(vec![r#""a""#.into(), r#""b,c""#.into(), r#""""#.into()])
        );
    }

    #[test]
    fn malformed_conditions_are_rejected() {
        for bad in ["", "abc", r#""a"#, r#""a" "b""#, r#""a","#, r#"W/ "a""#, "**", r#""a b""#] {
            assert!(Condition::parse("If-Match", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_etag_is_found_in_a_list() {
        let etag = ETag::of_bytes(b"{}");
        let header = format!(r#""x", W/{}"#, etag.as_str());
        assert!(etag.listed_in(&Condition::parse("If-Match", &header).unwrap()));
        assert!(!etag.listed_in(&Condition::parse("If-Match", r#""x""#).unwrap()));
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
