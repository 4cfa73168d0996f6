//! Reads from a streaming standby (`DATABASE_READ_URL`): the read-only lists, exports, search,
//! facets and matches of callers without a key go there; everything else (writes, reads by
//! id, the change feed, and every request made with a key, so a writer reads its own writes
//! and a company key sees its own drafts at once) goes to the primary.

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::auth::Caller;
use crate::http::ApiError;
use coop_store::db::DbPool;

/// A worker's pool on the standby, when one is configured.
pub struct StandbyPool(pub Option<DbPool>);

/// The pool a read-only list uses: the standby's for callers without a key when there is a
/// standby, else the primary's.
pub struct ReadPool(DbPool);

impl Deref for ReadPool {
    type Target = DbPool;

    fn deref(&self) -> &DbPool {
        &self.0
    }
}

impl FromRequest for ReadPool {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let anonymous = req
            .extensions()
            .get::<Caller>()
            .is_none_or(|caller| caller.identity().is_none());
        let standby = req
            .app_data::<web::Data<StandbyPool>>()
            .filter(|_| anonymous)
            .and_then(|standby| standby.0.clone());
        let pool = standby.or_else(|| {
            req.app_data::<web::Data<DbPool>>()
                .map(|primary| DbPool::clone(primary))
        });
        ready(
            pool.map(ReadPool).ok_or_else(|| {
                ApiError::internal("no database pool is configured for this worker")
            }),
        )
    }
}
