//! Response hardening: security headers on every response, and CORS for the origins an
//! operator allows (none by default, so browsers keep cross-origin pages out).

use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

/// API responses are data, never a page: nothing may load, run or frame them.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
/// Swagger UI loads its own scripts and styles from `/docs/`, sets inline styles, shows
/// `data:` images and fetches the spec and the API from this origin; nothing else.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; \
frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path().starts_with("/docs");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let csp = if docs { DOCS_CSP } else { API_CSP };
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    Ok(response)
}

/// The origins allowed to call the API from a browser.
#[derive(Debug, Clone, Default)]
pub struct CorsOrigins(Arc<Vec<String>>);

impl CorsOrigins {
    pub fn new(origins: &[String]) -> Self {
        let origins = origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .filter(|o| !o.is_empty())
            .collect();
        Self(Arc::new(origins))
    }

    fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|allowed| allowed == origin)
    }
}

const ALLOWED_METHODS: &str = "GET, HEAD, POST, PATCH, DELETE";
const ALLOWED_HEADERS: &str =
    "authorization, content-type, if-match, if-none-match, idempotency-key, x-request-id";
const EXPOSED_HEADERS: &str = "etag, location, link, retry-after, ratelimit-limit, \
ratelimit-remaining, ratelimit-reset, ratelimit-policy, idempotent-replayed, x-request-id";

/// Answers preflights from allowed origins and marks their responses readable. Requests from
/// other origins are served as usual but without CORS headers, so the browser withholds the
/// response from the page that asked.
pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let origins = req.app_data::<web::Data<CorsOrigins>>().cloned();
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| origins.as_ref().is_some_and(|allowed| allowed.allows(o)))
        .and_then(|o| HeaderValue::from_str(o).ok());
    let Some(origin) = origin else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let mut response = HttpResponse::new(StatusCode::NO_CONTENT);
        let headers = response.headers_mut();
        allow(headers, origin);
        for (name, value) in [
            (header::ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS),
            (header::ACCESS_CONTROL_MAX_AGE, "3600"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    allow(headers, origin);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
    Ok(response.map_into_left_body())
}

fn allow(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.append(header::VARY, HeaderValue::from_static("origin"));
}
