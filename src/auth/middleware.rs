//! The middleware in front of every `/api/` request: who is calling (a key, or an address),
//! whether they are within their rate limit, and, for private deployments, whether a key was
//! sent at all. The handlers then decide what this caller may do.

use std::net::{IpAddr, Ipv4Addr};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};

use super::key::PresentedKey;
use super::{AccessControl, Caller};
use crate::http::ApiError;
use crate::http::ratelimit::Client;
use crate::http::routes::RouteTable;
use coop_store::db::DbPool;

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let access = req.app_data::<web::Data<AccessControl>>().cloned();
    let pool = req.app_data::<web::Data<DbPool>>().cloned();
    let (Some(access), Some(pool), true) = (access, pool, req.path().starts_with("/api/")) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let routes = req.app_data::<web::Data<RouteTable>>().cloned();
    let routes = routes.as_deref();
    let address = client_address(req.request(), access.trust_forwarded_for);
    let outcome = match presented_key(req.headers()) {
        None => Ok(Caller::anonymous()),
        Some(Err(e)) => Err(e),
        Some(Ok(key)) => access.authenticate(&pool, &key).await.map(Caller::key),
    };
    // A refused key counts against the address, so guessing keys is limited like anything
    // else an anonymous client does.
    let client = match outcome.as_ref().ok().and_then(|caller| caller.identity()) {
        Some(identity) => Client::Key(identity.key_id),
        None => Client::address(address),
    };
    let decision = access.limiter.check(client);
    let refusal = match (decision, outcome) {
        (Some(d), _) if !d.allowed => {
            let kind = match client {
                Client::Key(_) => "key",
                Client::Address(_) => "address",
            };
            crate::metrics::METRICS
                .rate_limited
                .with_label_values(&[kind])
                .inc();
            Err(ApiError::TooManyRequests {
                retry_after: d.retry_after,
            })
        }
        (_, Err(e)) => Err(e),
        (_, Ok(caller)) if caller.identity().is_none() && access.require_key_for_reads => Err(
            ApiError::unauthorized("this deployment answers only requests with an API key"),
        ),
        // Refused here, before the body is read, so a request without a key learns that
        // first rather than what is wrong with its body.
        (_, Ok(caller))
            if caller.identity().is_none()
                && routes.is_some_and(|r| r.needs_key(req.method(), req.path())) =>
        {
            Err(ApiError::key_required())
        }
        (_, Ok(caller)) => Ok(caller),
    };
    let mut response = match refusal {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.call(req).await?.map_into_left_body()
        }
        Err(e) => req.error_response(e).map_into_right_body(),
    };
    if let Some(decision) = decision {
        decision.write_headers(response.headers_mut());
    }
    Ok(response)
}

/// `None` without an `Authorization` header; otherwise the key, or why it is not one.
fn presented_key(headers: &HeaderMap) -> Option<Result<PresentedKey, ApiError>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let value = value.to_str().unwrap_or_default().trim();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Some(Err(ApiError::unauthorized(
            "use the Bearer scheme: `Authorization: Bearer <key>`",
        )));
    }
    Some(PresentedKey::parse(token.trim()).ok_or_else(|| {
        ApiError::unauthorized(
            "the API key is malformed (keys look like `coop_<12 hex digits>_<43 characters>`)",
        )
    }))
}

/// The peer address, or with `trust_forwarded_for` the last address the proxy appended to
/// `X-Forwarded-For` (earlier entries come from the client and prove nothing).
pub(crate) fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> IpAddr {
    let forwarded = trust_forwarded_for
        .then(|| req.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|ip| ip.trim().parse().ok());
    forwarded
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}
