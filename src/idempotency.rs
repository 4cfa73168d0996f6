//! `Idempotency-Key` on POST (the IETF httpapi draft): a retry of a request that was sent
//! with a key gets the first response again instead of writing a second time.
//!
//! The middleware claims the key before the handler runs and keeps the response after it;
//! the handler's write marks the key carried out in its own transaction
//! ([`record_write`]), so a write and its mark commit together. Keys belong to the API key
//! that sent them (writes always need one) and are kept 24 hours.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use diesel_async::{AsyncConnection, AsyncPgConnection, TransactionManager};
use sha2::{Digest, Sha256};

use crate::auth::Caller;
use crate::changes::resources;
use crate::http::ApiError;
use crate::http::extract::read_body;
use coop_domain::changes::ResourceType;
use coop_store::db::DbPool;
use coop_store::idempotency::{self as store, Claim, KeyId, KeyRow};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Set on a response that repeats the first response to the key.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a request holds its key before a retry may take it over: longer than any request
/// runs (a request waits at most seconds for a connection, and its statements are short).
const LEASE_SECONDS: i32 = 30;
/// The keys [`parse_key`] accepts, as the spec states them.
pub const KEY_PATTERN: &str = r#"^("[!#-\[\]-~]{1,255}"|[!#-\[\]-~]{1,255})$"#;
/// The longest key accepted.
const MAX_KEY_LEN: usize = 255;
/// Response headers kept with the response for replays.
const KEPT_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

tokio::task_local! {
    /// The key of the request being handled, when it was sent with one.
    static KEY: KeyId;
}

/// Marks the request's idempotency key carried out, in the write's transaction, so that the
/// mark commits with the write. Without a key it does nothing; when another request with the
/// same key has already written, it fails (409) and the transaction rolls back. Every POST
/// handler writes through [`transaction`] or [`write`], which call it.
async fn record_write(conn: &mut AsyncPgConnection) -> Result<(), ApiError> {
    let Ok(id) = KEY.try_with(KeyId::clone) else {
        return Ok(());
    };
    if store::mark_carried_out(conn, &id).await? {
        Ok(())
    } else {
        Err(in_progress())
    }
}

/// Runs `write` in a transaction that ends with [`record_write`]. For writes that need a
/// transaction anyway; `write` must not open one itself (a nested one is a savepoint, whose
/// changes the key's mark does not see).
pub async fn transaction<R>(
    conn: &mut AsyncPgConnection,
    write: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    type Manager = <AsyncPgConnection as AsyncConnection>::TransactionManager;
    Manager::begin_transaction(conn).await?;
    let outcome = match write(conn).await {
        Ok(written) => record_write(conn).await.map(|()| written),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(written) => {
            Manager::commit_transaction(conn).await?;
            Ok(written)
        }
        Err(e) => {
            if let Err(rollback) = Manager::rollback_transaction(conn).await {
                log::warn!("rolling a write back failed: {rollback}");
            }
            Err(e)
        }
    }
}

/// Runs a write of one statement: as it is without an idempotency key, in a [`transaction`]
/// with the key's mark when the request has one.
pub async fn write<R>(
    conn: &mut AsyncPgConnection,
    write: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    if KEY.try_with(|_| ()).is_ok() {
        transaction(conn, write).await
    } else {
        write(conn).await
    }
}

/// Whether a POST to `path` takes an `Idempotency-Key`: every one but the imports, which
/// stream bodies too large to keep and are idempotent by their lines' external ids.
pub fn takes_key(path: &str) -> bool {
    !path.ends_with("/import")
}

fn in_progress() -> ApiError {
    ApiError::conflict(
        "a request with this Idempotency-Key is being processed; retry it in a moment",
    )
}

/// The key as sent: a structured-field string (`"…"`, as the draft writes it) or the bare
/// token most clients send, 1–255 visible ASCII characters.
fn parse_key(value: &HeaderValue) -> Result<String, ApiError> {
    let text = value.to_str().unwrap_or_default().trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    let valid = !text.is_empty()
        && text.len() <= MAX_KEY_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    if valid {
        Ok(text.to_owned())
    } else {
        Err(ApiError::bad_request(
            "the Idempotency-Key header must be 1 to 255 visible ASCII characters (a UUID is a good key)",
        ))
    }
}

/// What makes two requests the same request: method, target, media type and body.
fn fingerprint(req: &ServiceRequest, body: &[u8]) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(req.method().as_str());
    hash.update(b" ");
    hash.update(req.uri().to_string());
    hash.update(b"\n");
    hash.update(
        req.headers()
            .get(header::CONTENT_TYPE)
            .map(HeaderValue::as_bytes)
            .unwrap_or_default(),
    );
    hash.update(b"\n");
    hash.update(body);
    hash.finalize().to_vec()
}

/// Middleware: POST requests with an `Idempotency-Key` header run once per key.
pub async fn idempotent_posts(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let header = req
        .headers()
        .get(HEADER)
        .cloned()
        .filter(|_| takes_key(req.path()));
    let (Method::POST, Some(header)) = (req.method().clone(), header) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let key = match parse_key(&header) {
        Ok(key) => key,
        Err(e) => return Ok(req.error_response(e)),
    };
    let caller = req.extensions().get::<Caller>().cloned();
    let pool = req.app_data::<web::Data<DbPool>>().cloned();
    // Writes need a key, so the handler refuses a request without one whatever it sends.
    let (Some(caller), Some(pool)) = (caller, pool) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let Some(identity) = caller.identity() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let body = match read_body(req.take_payload()).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(e)),
    };
    let id = KeyId {
        api_key_id: identity.key_id,
        key,
    };
    let hash = fingerprint(&req, &body);
    req.set_payload(actix_web::dev::Payload::from(body));

    match earlier_answer(&pool, &caller, &id, &hash).await {
        Ok(None) => {}
        Ok(Some(response)) => return Ok(req.into_response(response)),
        Err(e) => return Ok(req.error_response(e)),
    }
    let response = KEY.scope(id.clone(), next.call(req)).await;
    let response = match response {
        Ok(response) => response,
        Err(e) => {
            give_up(&pool, &id).await;
            return Err(e);
        }
    };
    let status = response.status();
    // A response that holds a secret (a new API key) is not stored.
    let secret = response
        .headers()
        .get(header::CACHE_CONTROL)
        .is_some_and(|v| v.as_bytes().windows(8).any(|w| w == b"no-store"));
    if !kept(status) || secret {
        give_up(&pool, &id).await;
        return Ok(response.map_into_boxed_body());
    }
    let (req, response) = response.into_parts();
    let (response, body) = response.into_parts();
    let Ok(body) = actix_web::body::to_bytes(body).await else {
        give_up(&pool, &id).await;
        return Ok(ServiceResponse::new(
            req,
            HttpResponse::from_error(ApiError::internal("a response body could not be read")),
        ));
    };
    let headers = kept_headers(response.headers());
    if let Err(e) = save(&pool, &id, status, headers, &body).await {
        // The write stands; a retry learns of it from the key's mark.
        log::warn!("keeping the response to an idempotency key failed: {e}");
    }
    Ok(ServiceResponse::new(
        req,
        response.set_body(body).map_into_boxed_body(),
    ))
}

/// Responses a retry gets again. A conflict or rate limit is worth retrying, and a server
/// error or an unavailable database says nothing about the request, so those are not kept.
fn kept(status: StatusCode) -> bool {
    !(status.is_server_error()
        || status == StatusCode::CONFLICT
        || status == StatusCode::TOO_MANY_REQUESTS)
}

/// Claims the key; when it was used before, the answer to give instead of running the request.
async fn earlier_answer(
    pool: &DbPool,
    caller: &Caller,
    id: &KeyId,
    hash: &[u8],
) -> Result<Option<HttpResponse>, ApiError> {
    let mut conn = pool.get().await?;
    let row = match store::claim(&mut conn, id, hash, LEASE_SECONDS).await? {
        Claim::Claimed => return Ok(None),
        Claim::Taken(row) => row,
    };
    if row.request_hash != hash {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            "was sent with a different request in the last 24 hours; send a new key with a new request",
        ));
    }
    if let (Some(status), Some(body)) = (row.status, row.body.clone()) {
        return Ok(Some(replay(status, row.headers.as_ref(), body)));
    }
    let running = row
        .locked_until
        .is_some_and(|until| until > chrono::Utc::now());
    if running || !row.carried_out {
        let mut response = HttpResponse::from_error(in_progress());
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return Ok(Some(response));
    }
    recovered(&mut conn, caller, &row).await.map(Some)
}

/// The first response again, marked as a replay.
fn replay(status: i16, headers: Option<&serde_json::Value>, body: Vec<u8>) -> HttpResponse {
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    if let Some(headers) = headers.and_then(serde_json::Value::as_object) {
        for (name, value) in headers {
            if let (Ok(name), Some(Ok(value))) = (
                HeaderName::try_from(name.as_str()),
                value.as_str().map(HeaderValue::from_str),
            ) {
                response.insert_header((name, value));
            }
        }
    }
    response.insert_header((REPLAYED, "true"));
    response.body(body)
}

/// The answer to a retry whose first request wrote but whose response was never kept (the
/// process stopped in between): the resource it created, as it is now.
async fn recovered(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    row: &KeyRow,
) -> Result<HttpResponse, ApiError> {
    let created = row
        .resource_type
        .as_deref()
        .and_then(|t| t.parse::<ResourceType>().ok())
        .zip(row.resource_id);
    let lost = || {
        ApiError::conflict(
            "the request with this Idempotency-Key was carried out; its response is not available (it held a secret, or the service stopped before keeping it)",
        )
    };
    let Some((resource_type, id)) = created else {
        return Err(lost());
    };
    let Some(body) = resources::current(conn, caller, resource_type, id, row.parent_id).await?
    else {
        return Err(lost());
    };
    let mut response = HttpResponse::Created();
    if let Some(path) = resource_type.path(id, row.parent_id) {
        response.insert_header((header::LOCATION, path));
    }
    response.insert_header((REPLAYED, "true"));
    Ok(response.json(body))
}

fn kept_headers(headers: &HeaderMap) -> serde_json::Value {
    KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), serde_json::Value::from(value)))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

async fn save(
    pool: &DbPool,
    id: &KeyId,
    status: StatusCode,
    headers: serde_json::Value,
    body: &[u8],
) -> Result<(), ApiError> {
    let mut conn = pool.get().await?;
    let status = i16::try_from(status.as_u16()).unwrap_or(i16::MAX);
    store::save_response(&mut conn, id, status, headers, body).await?;
    Ok(())
}

/// Releases the key after a response that is not kept; a failure only delays retries until
/// the claim lapses.
async fn give_up(pool: &DbPool, id: &KeyId) {
    let released = match pool.get().await {
        Ok(mut conn) => store::release(&mut conn, id)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = released {
        log::warn!("releasing an idempotency key failed: {e}");
    }
}

/// Forgets keys past their 24 hours, every `period` (a claim ignores them already; this keeps
/// the table small).
pub async fn forget_old_keys(pool: DbPool, period: std::time::Duration) {
    let mut ticks = tokio::time::interval(period);
    loop {
        ticks.tick().await;
        let purged = match pool.get().await {
            Ok(mut conn) => store::purge(&mut conn).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match purged {
            Ok(0) => {}
            Ok(n) => log::info!("forgot {n} idempotency key(s) older than 24 hours"),
            Err(e) => log::warn!("forgetting old idempotency keys failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_may_be_quoted_as_the_draft_writes_it_or_bare() {
        let quoted = HeaderValue::from_static("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
        let bare = HeaderValue::from_static("8e03978e-40d5-43e8-bc93-6894a57f9324");
        assert_eq!(
            parse_key(&quoted).ok().as_deref(),
            Some("8e03978e-40d5-43e8-bc93-6894a57f9324")
        );
        assert_eq!(parse_key(&quoted).ok(), parse_key(&bare).ok());
    }

    #[test]
    fn an_empty_long_or_spaced_key_is_refused() {
        for value in ["", "\"\"", "two words", &"k".repeat(256)] {
            let value = HeaderValue::from_str(value).expect("a header value");
            assert!(parse_key(&value).is_err(), "{value:?}");
        }
    }

    #[test]
    fn conflicts_rate_limits_and_server_errors_are_not_kept() {
        assert!(kept(StatusCode::CREATED));
        assert!(kept(StatusCode::UNPROCESSABLE_ENTITY));
        assert!(!kept(StatusCode::CONFLICT));
        assert!(!kept(StatusCode::TOO_MANY_REQUESTS));
        assert!(!kept(StatusCode::SERVICE_UNAVAILABLE));
    }
}
