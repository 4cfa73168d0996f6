//! Keyset pagination: the page size bounds, the opaque cursor and the list envelope with its
//! `Link: <...>; rel="next"` header.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem::ApiError;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// The position after the last item of a page: the sort it belongs to, the sort key of that
/// item and its id (the tie-breaker). Encoded as base64url JSON; clients treat it as opaque.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    /// The sort key name the cursor was made for; a cursor is only valid with the same sort.
    pub s: String,
    /// The sort value of the last item.
    pub k: serde_json::Value,
    /// The id of the last item.
    pub id: uuid::Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes a cursor as a list issued it (base64url JSON).
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let invalid =
            "is not a cursor this list issued; pass `next_cursor` from the previous page unchanged";
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| invalid)?;
        serde_json::from_slice(&bytes).map_err(|_| invalid)
    }

    /// The cursor if it was made for `sort`; a cursor of another sort is a 400.
    pub fn for_sort(self, sort: &str) -> Result<Self, ApiError> {
        if self.s != sort {
            return Err(ApiError::bad_parameter(
                "cursor",
                format!(
                    "was issued for sort `{}`, not `{sort}`; keep the same sort while paging",
                    self.s
                ),
            ));
        }
        Ok(self)
    }

    /// The sort value as a string, or a 400 when a forged cursor carries something else.
    pub fn key_str(&self) -> Result<&str, ApiError> {
        self.k.as_str().ok_or_else(forged)
    }

    /// The sort value as a whole number (a position), or a 400 when a forged cursor carries
    /// something else.
    pub fn key_i64(&self) -> Result<i64, ApiError> {
        self.k.as_i64().ok_or_else(forged)
    }

    /// The sort value as a timestamp (microseconds since the epoch), or a 400 when a forged
    /// cursor carries something else.
    pub fn key_time(&self) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
        self.k
            .as_i64()
            .and_then(chrono::DateTime::from_timestamp_micros)
            .ok_or_else(forged)
    }
}

impl Cursor {
    /// A cursor for lists keyed by a timestamp (and the id as tie-breaker).
    pub fn at_time(sort: &str, at: chrono::DateTime<chrono::Utc>, id: uuid::Uuid) -> Self {
        Cursor {
            s: sort.to_string(),
            k: at.timestamp_micros().into(),
            id,
        }
    }
}

/// The position in the optional `cursor` of a timestamp-keyed list sorted by `sort`.
pub fn after_time(
    cursor: Option<Cursor>,
    sort: &str,
) -> Result<Option<(chrono::DateTime<chrono::Utc>, uuid::Uuid)>, ApiError> {
    cursor
        .map(|cursor| {
            let cursor = cursor.for_sort(sort)?;
            Ok((cursor.key_time()?, cursor.id))
        })
        .transpose()
}

/// The 400 for a cursor that decodes but does not hold what its list issues.
pub fn forged() -> ApiError {
    ApiError::bad_parameter("cursor", "is not a cursor this list issued")
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// At most `limit` items, in the requested order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with `limit + 1`: the extra row only tells that a next
    /// page exists, and `cursor_of` makes the cursor from the last row kept.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        cursor_of: impl Fn(&R) -> Cursor,
        to_item: impl Fn(R) -> T,
    ) -> Self {
        let has_more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if has_more {
            rows.last().map(|r| cursor_of(r).encode())
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(to_item).collect(),
            next_cursor,
        }
    }

    /// `200` and, when there is a next page, a `Link` header pointing at it with the same
    /// query parameters.
    fn ok(&self, req: &HttpRequest) -> actix_web::HttpResponseBuilder {
        let mut response = HttpResponse::Ok();
        if let Some(cursor) = &self.next_cursor {
            let mut query: Vec<(String, String)> =
                serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
            query.retain(|(k, _)| k != "cursor");
            query.push(("cursor".into(), cursor.clone()));
            let query = serde_urlencoded::to_string(&query).unwrap_or_default();
            response.insert_header((
                header::LINK,
                format!("<{}?{}>; rel=\"next\"", req.path(), query),
            ));
        }
        response
    }
}

impl<T: Serialize> Page<T> {
    /// `200` with the page and, when there is a next page, a `Link` header pointing at it with
    /// the same query parameters.
    pub fn respond(self, req: &HttpRequest) -> HttpResponse {
        self.ok(req).json(self)
    }
}

/// An item whose JSON was rendered before the request (by the database), written as it is.
#[derive(Debug)]
pub struct Rendered(pub String);

impl Page<Rendered> {
    /// As [`Page::respond`], the page written around its items' own text: the same bytes as
    /// the page of the items serialised, without decoding or encoding them again.
    pub fn respond_rendered(self, req: &HttpRequest) -> HttpResponse {
        let mut response = self.ok(req);
        let text_len: usize = self.items.iter().map(|item| item.0.len() + 1).sum();
        let mut body = String::with_capacity(text_len + 64);
        body.push_str("{\"items\":[");
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&item.0);
        }
        body.push_str("],\"next_cursor\":");
        match &self.next_cursor {
            // A cursor is base64url: nothing in it needs escaping.
            Some(cursor) => {
                body.push('"');
                body.push_str(cursor);
                body.push('"');
            }
            None => body.push_str("null"),
        }
        body.push('}');
        response.content_type("application/json").body(body)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::to_bytes;
    use actix_web::test::TestRequest;
    use serde_json::json;

    use super::*;

    /// The same page, serialised and rendered: status, headers and bytes.
    async fn both(items: Vec<serde_json::Value>, next_cursor: Option<String>) {
        let req = TestRequest::get()
            .uri("/api/v1/cooperation-offers?sector=medtech&limit=2")
            .to_http_request();
        let rendered = Page {
            items: items.iter().map(|v| Rendered(v.to_string())).collect(),
            next_cursor: next_cursor.clone(),
        }
        .respond_rendered(&req);
        let serialised = Page { items, next_cursor }.respond(&req);
        assert_eq!(rendered.status(), serialised.status());
        for name in [header::CONTENT_TYPE, header::LINK] {
            assert_eq!(
                rendered.headers().get(&name),
                serialised.headers().get(&name)
            );
        }
        let rendered = to_bytes(rendered.into_body()).await.unwrap();
        let serialised = to_bytes(serialised.into_body()).await.unwrap();
        assert_eq!(rendered, serialised);
    }

    #[actix_web::test]
    async fn a_rendered_page_is_the_same_bytes_as_the_page_serialised() {
        both(Vec::new(), None).await;
        let items = vec![
            json!({"id": "a", "title": "Экзо \"II\""}),
            json!({"id": "b"}),
        ];
        both(items.clone(), None).await;
        let cursor = Cursor::at_time("-created_at", chrono::Utc::now(), uuid::Uuid::nil());
        both(items, Some(cursor.encode())).await;
    }
}
