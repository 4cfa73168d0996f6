//! Request ids: every response carries `X-Request-Id` (the client's when well-formed, else a
//! new one), and so do the problem documents and the log lines written while the request is
//! handled, so that a complaint can be followed through the logs.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest client-chosen id kept.
const MAX_LEN: usize = 128;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled on this task, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Runs `work` (a task a request spawned, such as an import) under the request's id, so
/// its log lines and problems carry it.
pub async fn within<F: std::future::Future>(id: Option<String>, work: F) -> F::Output {
    match id {
        Some(id) => REQUEST_ID.scope(id, work).await,
        None => work.await,
    }
}

/// A client's id is kept when it is 1 to 128 letters, digits or `-_.:`; anything else (which
/// could forge log lines or headers) is replaced.
fn well_formed(id: &str) -> bool {
    (1..=MAX_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Middleware, outermost: names the request and runs the rest of the chain with that name.
pub async fn request_id(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| well_formed(v))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let value = HeaderValue::from_str(&id).ok();
    // Also on the request, where the access log (which writes its line after the response,
    // outside this task's scope) reads it.
    if let Some(value) = &value {
        req.headers_mut().insert(HEADER, value.clone());
    }
    let mut response = REQUEST_ID.scope(id, next.call(req)).await?;
    if let Some(value) = value {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_ids_are_taken_from_the_client() {
        assert!(super::well_formed("0190f5c4-6a2e-7cc1.b:x_1"));
        for bad in ["", "a b", "a\nb", "é", &"a".repeat(129)] {
            assert!(!super::well_formed(bad), "{bad:?}");
        }
    }
}
