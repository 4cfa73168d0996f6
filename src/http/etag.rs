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
    pub fn listed_in(&self, condition: &Condition) -> bool {
        match condition {
            Condition::Any => true,
            Condition::Tags(tags) => tags.contains(&self.0),
        }
    }
}

/// A parsed `If-Match` or `If-None-Match` header.
#[derive(Debug, PartialEq, Eq)]
pub enum Condition {
    Any,
    /// The opaque tags, quotes included, weakness dropped.
    Tags(Vec<String>),
}

impl Condition {
    /// Parses `*` or a comma-separated list of entity tags (RFC 9110). A value outside that
    /// grammar names no tag, so it never matches: `If-Match` then fails with 412 (the write is
    /// not made blindly) and `If-None-Match` returns the full response, as common servers do.
    pub fn parse(value: &str) -> Self {
        if value == "*" {
            return Condition::Any;
        }
        Self::parse_tags(value).map_or(Condition::Tags(Vec::new()), Condition::Tags)
    }

    fn parse_tags(value: &str) -> Option<Vec<String>> {
        let mut tags = Vec::new();
        let mut rest = value;
        loop {
            rest = rest.strip_prefix("W/").unwrap_or(rest);
            let inner = rest.strip_prefix('"')?;
            let end = inner.find('"')?;
            let opaque = &inner[..end];
            if !opaque.chars().all(|c| c == '!' || ('#'..='~').contains(&c)) {
                return None;
            }
            tags.push(format!("\"{opaque}\""));
            rest = inner[end + 1..].trim_start_matches(' ');
            if rest.is_empty() {
                return Some(tags);
            }
            rest = rest.strip_prefix(',')?.trim_start_matches(' ');
        }
    }
}

/// A resource serialized once, with its ETag.
pub struct Tagged {
    pub body: Vec<u8>,
    pub etag: ETag,
    content_type: &'static str,
}

impl Tagged {
    pub fn new<T: Serialize>(resource: &T) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(resource).map_err(ApiError::internal)?;
        Ok(Self::of_bytes(body, "application/json"))
    }

    /// A representation in another media type (a calendar).
    pub fn of_bytes(body: Vec<u8>, content_type: &'static str) -> Self {
        let etag = ETag::of_bytes(&body);
        Self {
            body,
            etag,
            content_type,
        }
    }

    /// `200` with the body and ETag, or `304` when the client's `If-None-Match` already names
    /// this version.
    pub fn respond(self, req: &HttpRequest) -> HttpResponse {
        let condition = header_str(req.headers(), header::IF_NONE_MATCH).map(Condition::parse);
        if condition.is_some_and(|c| self.etag.listed_in(&c)) {
            return HttpResponse::NotModified()
                .insert_header((header::ETAG, self.etag.as_str()))
                .finish();
        }
        self.with_status(HttpResponse::Ok())
    }

    pub fn with_status(self, mut builder: actix_web::HttpResponseBuilder) -> HttpResponse {
        builder
            .insert_header((header::ETAG, self.etag.as_str()))
            .content_type(self.content_type)
            .body(self.body)
    }
}

/// The parsed `If-Match` header, taken out of the request so it can travel into a transaction.
/// A header that is not readable as text names no tag.
pub fn if_match(headers: &HeaderMap) -> Option<Condition> {
    headers.get(header::IF_MATCH).map(|v| {
        v.to_str()
            .map_or(Condition::Tags(Vec::new()), Condition::parse)
    })
}

/// Checks `If-Match` against the current version: absent passes, a list without the current
/// tag fails with 412 so a client never overwrites a change it has not seen.
pub fn check_if_match(if_match: Option<&Condition>, current: &ETag) -> Result<(), ApiError> {
    match if_match {
        Some(condition) if !current.listed_in(condition) => {
            Err(ApiError::PreconditionFailed(format!(
                "If-Match does not name the current ETag {}; fetch the resource again and reapply your change",
                current.as_str()
            )))
        }
        _ => Ok(()),
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_star_and_tag_lists() {
        assert_eq!(Condition::parse("*"), Condition::Any);
        assert_eq!(
            Condition::parse(r#""a", W/"b,c" ,"""#),
            Condition::Tags(vec![r#""a""#.into(), r#""b,c""#.into(), r#""""#.into()])
        );
    }

    #[test]
    fn malformed_conditions_name_no_tag() {
        for bad in [
            "",
            "abc",
            r#""a"#,
            r#""a" "b""#,
            r#""a","#,
            r#"W/ "a""#,
            "**",
            r#""a b""#,
        ] {
            assert_eq!(Condition::parse(bad), Condition::Tags(Vec::new()), "{bad}");
        }
    }

    #[test]
    fn the_etag_is_found_in_a_list() {
        let etag = ETag::of_bytes(b"{}");
        let header = format!(r#""x", W/{}"#, etag.as_str());
        assert!(etag.listed_in(&Condition::parse(&header)));
        assert!(!etag.listed_in(&Condition::parse(r#""x""#)));
    }
}
