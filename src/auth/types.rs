//! API key request and response types. The secret appears in exactly one response: the one
//! that creates the key.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::caller::Role;
use super::key::NewKey;
use crate::http::params::{self, Limit};
use crate::http::{ApiError, Cursor};
use coop_domain::Errors;
use coop_domain::keys::KeyStatus;
use coop_domain::text;
use coop_store::keys::ApiKeyRow;

pub const MAX_NAME: usize = 200;

/// An API key as listed: everything but the secret, which is never stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019abc12-3456-7def-8123-456789abcdef",
    "prefix": "3f9a1c2b4d5e",
    "name": "ExoAtlet offers sync",
    "role": "company",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "expires_at": "2027-06-30T00:00:00Z",
    "created_at": "2026-11-26T06:17:12.123456Z",
    "last_used_at": "2026-11-26T09:02:41.5Z",
    "revoked_at": null,
    "status": "active"
}))]
pub struct ApiKey {
    pub id: Uuid,
    /// The public part of the key (`coop_<prefix>_…`), to recognise it.
    pub prefix: String,
    /// What the key is for, in the words of whoever created it.
    pub name: String,
    pub role: Role,
    /// The company a `company` key acts for; `null` for editor and admin keys.
    pub company_id: Option<Uuid>,
    /// After this time the key no longer works; `null`: no expiry.
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When the key last authenticated a request (precise to a few seconds).
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub status: KeyStatus,
}

/// A key just created: the listed fields and, this once, the key itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019abc12-3456-7def-8123-456789abcdef",
    "prefix": "3f9a1c2b4d5e",
    "name": "ExoAtlet offers sync",
    "role": "company",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "expires_at": null,
    "created_at": "2026-11-26T06:17:12.123456Z",
    "last_used_at": null,
    "revoked_at": null,
    "status": "active",
    "key": "coop_3f9a1c2b4d5e_Jq3o0m5v6x7n8b9c0d1e2f3g4h5i6j7k8l9m0n1o2p3"
}))]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// The key, to send as `Authorization: Bearer <key>`. Shown only in this response: store
    /// it now; the service keeps only its hash.
    pub key: String,
}

impl ApiKey {
    pub fn from_row(row: ApiKeyRow, now: DateTime<Utc>) -> ApiKey {
        let status = if row.revoked_at.is_some() {
            KeyStatus::Revoked
        } else if row.expires_at.is_some_and(|at| at <= now) {
            KeyStatus::Expired
        } else {
            KeyStatus::Active
        };
        ApiKey {
            id: row.id,
            prefix: row.prefix,
            name: row.name,
            role: row.role,
            company_id: row.company_id,
            expires_at: row.expires_at,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
            status,
        }
    }
}

/// A new API key.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "ExoAtlet offers sync",
    "role": "company",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "expires_at": "2027-06-30T00:00:00Z"
}))]
pub struct CreateApiKey {
    /// What the key is for; one line of at most 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub role: Role,
    /// Required for a `company` key (the company it acts for), absent otherwise.
    #[serde(default)]
    pub company_id: Option<Uuid>,
    /// When the key stops working; must be in the future. Absent: no expiry.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A key ready to store, and its text to hand out once.
pub struct IssuedKey {
    pub row: ApiKeyRow,
    pub text: String,
}

impl CreateApiKey {
    /// Checks the request and makes the key.
    pub fn issue(self, now: DateTime<Utc>) -> Result<IssuedKey, ApiError> {
        let mut errors = Errors::default();
        let name = text::required(&mut errors, "name", &self.name, MAX_NAME);
        match (self.role, self.company_id) {
            (Role::Company, None) => errors.add("company_id", "is required for a company key"),
            (Role::Editor | Role::Admin, Some(_)) => errors.add(
                "company_id",
                "must be absent: editor and admin keys act for no particular company",
            ),
            _ => {}
        }
        if self.expires_at.is_some_and(|at| at <= now) {
            errors.add("expires_at", "must be in the future");
        }
        errors.finish()?;
        let key = NewKey::generate().map_err(ApiError::internal)?;
        Ok(IssuedKey {
            row: ApiKeyRow {
                id: Uuid::now_v7(),
                prefix: key.prefix,
                secret_hash: key.hash.to_vec(),
                name: name.unwrap_or_default(),
                role: self.role,
                company_id: self.company_id,
                expires_at: self.expires_at,
                created_at: now,
                last_used_at: None,
                revoked_at: None,
            },
            text: key.text,
        })
    }
}

/// Query parameters of `GET /api/v1/api-keys`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiKeyListParams {
    /// Only the keys of this company.
    #[serde(default, deserialize_with = "params::id")]
    pub company_id: Option<Uuid>,
    /// Only keys with this role.
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub role: Option<Role>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}
