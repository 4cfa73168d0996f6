//! Webhook request and response shapes. A signing secret appears in exactly two responses:
//! the one that creates the subscription and the one that rotates its secret.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::params::{self, Limit};
use crate::http::{Cursor, Patch};
use coop_domain::changes::ResourceType;
use coop_store::webhooks::{AttemptRow, DeliveryRow, WebhookRow};

/// The longest description.
pub const MAX_DESCRIPTION: usize = 500;

/// A webhook subscription.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ac1d2-3e4f-7a5b-8c6d-7e8f9a0b1c2d",
    "url": "https://crm.ccifr.example/hooks/coopapi",
    "types": ["cooperation_offer", "cooperation_interest"],
    "description": "Chamber CRM: offers and interests",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "active": true,
    "disabled_reason": null,
    "previous_secret_expires_at": null,
    "created_at": "2026-11-28T06:17:12.123456Z",
    "updated_at": "2026-11-28T06:17:12.123456Z"
}))]
pub struct Webhook {
    pub id: Uuid,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The resource types whose changes it receives; empty: all.
    pub types: Vec<ResourceType>,
    pub description: Option<String>,
    /// The company whose key made it: it receives the changes that company's key may read.
    /// `null` for an admin's subscription, which receives every change.
    pub company_id: Option<Uuid>,
    /// Inactive subscriptions receive nothing; changes made meanwhile are delivered when it
    /// is turned back on.
    pub active: bool,
    /// Why the service turned it off (its deliveries failed for the whole retry period).
    pub disabled_reason: Option<String>,
    /// Until when the previous secret also signs, after a rotation.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Webhook {
    pub fn from_row(row: WebhookRow, now: DateTime<Utc>) -> Self {
        Webhook {
            id: row.id,
            url: row.url,
            types: row.types,
            description: row.description,
            company_id: row.company_id,
            active: row.active,
            disabled_reason: row.disabled_reason,
            previous_secret_expires_at: row.previous_secret_until.filter(|until| *until > now),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A subscription just made, with its signing secret (shown this once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The signing secret (`whsec_…`, Standard Webhooks): verify each delivery's
    /// `webhook-signature` with it. Shown only in this response.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// A new subscription.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://crm.ccifr.example/hooks/coopapi",
    "types": ["cooperation_offer", "cooperation_interest"],
    "description": "Chamber CRM: offers and interests"
}))]
pub struct CreateWebhook {
    /// An `https` URL on a public address.
    #[schema(max_length = 2000)]
    pub url: String,
    /// The resource types whose changes it receives; absent or empty: all.
    #[serde(default)]
    pub types: Vec<ResourceType>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Absent: `true`.
    #[serde(default)]
    pub active: Option<bool>,
}

/// Changes to a subscription (JSON merge patch). Turning it back on (`active: true`) also
/// queues again the deliveries that had failed for good.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": true}))]
pub struct UpdateWebhook {
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub url: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<ResourceType>>)]
    pub types: Patch<Vec<ResourceType>>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub active: Patch<bool>,
}

/// A new signing secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "secret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    "previous_secret_expires_at": "2026-11-29T06:17:12.123456Z"
}))]
pub struct NewSecret {
    /// The new secret; shown only in this response.
    pub secret: String,
    /// Until then deliveries carry a signature with the previous secret too, so receivers
    /// can switch at their pace.
    pub previous_secret_expires_at: DateTime<Utc>,
}

/// Query parameters of `GET /api/v1/webhooks`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookListParams {
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

/// Delivery states.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::EnumString,
    strum::VariantNames,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its turn or for its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Retried for the whole retry period without success; the subscription was turned off.
    Failed,
}

/// Query parameters of `GET /api/v1/webhooks/{id}/deliveries`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListParams {
    /// Only deliveries in this state.
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub state: Option<DeliveryState>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

/// One attempt at a delivery.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attempt {
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status code; `null` when it did not answer.
    pub status: Option<i16>,
    /// From sending the request to the end of the answer's headers.
    pub latency_ms: i32,
    /// Why the attempt failed, when it did.
    pub error: Option<String>,
}

impl From<AttemptRow> for Attempt {
    fn from(row: AttemptRow) -> Self {
        Attempt {
            attempt: row.attempt,
            attempted_at: row.attempted_at,
            status: row.status,
            latency_ms: row.latency_ms,
            error: row.error,
        }
    }
}

/// One change sent (or to send) to a subscription.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019ac1d2-5f60-7a5b-8c6d-7e8f9a0b1c2d",
    "position": 4711,
    "type": "cooperation_offer.created",
    "state": "pending",
    "attempts": [{"attempt": 1, "attempted_at": "2026-11-28T06:17:13Z", "status": 503, "latency_ms": 41, "error": "the receiver answered 503"}],
    "next_attempt_at": "2026-11-28T06:17:18Z",
    "created_at": "2026-11-28T06:17:12.2Z",
    "delivered_at": null,
    "payload": {"type": "cooperation_offer.created", "timestamp": "2026-11-28T06:17:12.125001Z", "data": {"position": 4711}}
}))]
pub struct Delivery {
    /// Sent as `webhook-id`, the same for every attempt: receivers drop repeats by it.
    pub id: Uuid,
    /// The change's position in the change feed.
    pub position: i64,
    /// `<resource_type>.<operation>`.
    #[serde(rename = "type")]
    pub event_type: String,
    pub state: DeliveryState,
    pub attempts: Vec<Attempt>,
    /// When the next attempt is due (pending deliveries wait for the ones before them).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The body that is POSTed.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl Delivery {
    pub fn from_row(row: DeliveryRow, attempts: Vec<Attempt>) -> Self {
        Delivery {
            id: row.id,
            position: row.position,
            event_type: row.event_type,
            state: row.state.parse().unwrap_or(DeliveryState::Pending),
            attempts,
            next_attempt_at: row.next_attempt_at.filter(|_| row.state == "pending"),
            created_at: row.created_at,
            delivered_at: row.delivered_at,
            payload: row.payload,
        }
    }
}

/// The body of every delivery (Standard Webhooks' recommended envelope): `data` is the change
/// as the change feed shows it to the subscription's company (or to staff).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPayload {
    /// `<resource_type>.<operation>`, e.g. `cooperation_offer.created`.
    #[serde(rename = "type")]
    #[schema(example = "cooperation_offer.created")]
    pub event_type: String,
    /// When the change was written.
    pub timestamp: DateTime<Utc>,
    pub data: crate::changes::types::Change,
}
