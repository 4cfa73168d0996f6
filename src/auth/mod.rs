//! Access control: API keys (issued by admins, sent as `Authorization: Bearer <key>`), the
//! roles and ownership rules handlers apply through [`Caller`], the middleware that
//! authenticates and rate-limits every API request, and the `/api/v1/api-keys` resource.

pub mod cache;
pub mod caller;
pub mod handlers;
pub mod key;
pub mod middleware;
pub mod types;

use std::time::Duration;

use chrono::Utc;
use diesel::OptionalExtension;
use diesel::result::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

pub use caller::{Caller, Identity, Role, Scope};

use crate::config::AccessSettings;
use crate::http::ApiError;
use crate::http::ratelimit::{Policy, RateLimiter};
use cache::KeyCache;
use coop_store::db::DbPool;
use coop_store::keys as store;
use key::PresentedKey;
use types::{ApiKey, CreateApiKey};

pub fn configure(config: &mut crate::http::routes::Routes) {
    config
        .service(handlers::create_api_key)
        .service(handlers::list_api_keys)
        .service(handlers::get_api_key)
        .service(handlers::revoke_api_key);
}

const REFS: &[(&str, &str, &str)] = &[("api_keys_company_id_fkey", "company_id", "company")];

/// Makes and stores a key; returns its record and its text, which exists nowhere else.
pub async fn issue(
    conn: &mut AsyncPgConnection,
    request: CreateApiKey,
) -> Result<(ApiKey, String), ApiError> {
    let now = Utc::now();
    let issued = request.issue(now)?;
    let row = store::insert(conn, &issued.row)
        .await
        .map_err(ApiError::dangling(REFS))?;
    Ok((ApiKey::from_row(row, now), issued.text))
}

/// Revokes the key with this id or prefix; `None` when there is none.
pub async fn revoke_by_id_or_prefix(
    conn: &mut AsyncPgConnection,
    id_or_prefix: &str,
) -> QueryResult<Option<Uuid>> {
    let id = match Uuid::try_parse(id_or_prefix) {
        Ok(id) => store::find(conn, id).await.optional()?.map(|row| row.id),
        Err(_) => store::find_by_prefix(conn, id_or_prefix)
            .await?
            .map(|record| record.id),
    };
    if let Some(id) = id {
        store::revoke(conn, id, Utc::now()).await?;
    }
    Ok(id)
}

/// What the middleware needs, shared by all workers.
pub struct AccessControl {
    pub keys: KeyCache,
    pub limiter: RateLimiter,
    pub require_key_for_reads: bool,
    pub trust_forwarded_for: bool,
}

impl AccessControl {
    pub fn new(settings: &AccessSettings) -> Self {
        Self {
            keys: KeyCache::new(Duration::from_secs(settings.key_cache_ttl)),
            limiter: RateLimiter::new(
                Policy {
                    per_minute: settings.anonymous_rate_limit,
                    burst: settings.anonymous_burst,
                },
                Policy {
                    per_minute: settings.key_rate_limit,
                    burst: settings.key_burst,
                },
            ),
            require_key_for_reads: settings.require_key_for_reads,
            trust_forwarded_for: settings.trust_forwarded_for,
        }
    }

    /// The identity behind a presented key, from the cache when it is fresh. Unknown keys and
    /// wrong secrets get the same answer, so the answer tells nothing about which prefixes
    /// exist.
    pub async fn authenticate(
        &self,
        pool: &DbPool,
        key: &PresentedKey,
    ) -> Result<Identity, ApiError> {
        let cached = self.keys.get(key.prefix());
        crate::metrics::METRICS
            .key_cache
            .with_label_values(&[if cached.is_some() { "hit" } else { "miss" }])
            .inc();
        let (record, fetched) = match cached {
            Some(record) => (record, false),
            None => {
                let mut conn = pool.get().await?;
                let record = store::find_by_prefix(&mut conn, key.prefix()).await?;
                self.keys.put(key.prefix(), record.clone());
                (record, true)
            }
        };
        let Some(record) = record.filter(|r| key.matches(&r.secret_hash)) else {
            return Err(ApiError::unauthorized("the API key is not valid"));
        };
        if record.revoked_at.is_some() {
            return Err(ApiError::unauthorized("the API key has been revoked"));
        }
        let now = Utc::now();
        if let Some(expired) = record.expires_at.filter(|at| *at <= now) {
            return Err(ApiError::unauthorized(format!(
                "the API key expired at {}",
                expired.to_rfc3339()
            )));
        }
        if fetched {
            // Recording the use must not fail the request it belongs to.
            let touched = match pool.get().await {
                Ok(mut conn) => store::touch(&mut conn, record.id, now)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = touched {
                log::warn!("could not record the use of API key {}: {e}", record.id);
            }
        }
        Ok(Identity {
            key_id: record.id,
            role: record.role,
            company_id: record.company_id,
        })
    }
}
