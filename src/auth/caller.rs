//! The caller of a request as an extractor: the authentication middleware establishes it, and
//! the permission rules it carries are the domain's (`coop_domain::access`).

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::http::ApiError;
pub use coop_domain::access::{Identity, Role, Scope};

/// The caller of a request: a key, or nobody. Handlers take it as an extractor; its rules
/// (`scope`, `require_owner`, …) are those of [`coop_domain::access::Caller`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller(coop_domain::access::Caller);

impl Caller {
    pub fn anonymous() -> Self {
        Self(coop_domain::access::Caller::anonymous())
    }

    pub fn key(identity: Identity) -> Self {
        Self(coop_domain::access::Caller::key(identity))
    }
}

impl Deref for Caller {
    type Target = coop_domain::access::Caller;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<Caller>()
            .cloned()
            .unwrap_or_default()))
    }
}
