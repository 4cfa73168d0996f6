//! `HEAD` on every `GET` route (RFC 9110 §9.3.2): the request is served as the `GET` it asks
//! about, so status and headers (ETag, Content-Length, Link, rate-limit headers) are the
//! same and conditional requests answer 304 alike; the HTTP layer, which saw the method
//! `HEAD` when it read the request, sends no body.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Middleware, before routing and authentication: `HEAD` is routed, authorised and handled as
/// `GET`.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
