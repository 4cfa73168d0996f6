//! The change feed's shapes and parameters.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::Cursor;
use crate::http::params::{self, Limit};
use coop_domain::changes::{ChangeOperation, ResourceType};

/// One change of one resource.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "position": 4711,
    "resource_type": "cooperation_offer",
    "id": "0190f5c4-8c22-7d3e-a1b2-c3d4e5f60718",
    "parent_id": null,
    "operation": "created",
    "version": "2026-11-26T06:17:12.123456Z",
    "changed_at": "2026-11-26T06:17:12.125001Z",
    "resource": {"id": "0190f5c4-8c22-7d3e-a1b2-c3d4e5f60718", "title": "Medical exoskeleton ExoAtlet: distributors wanted in France"}
}))]
pub struct Change {
    /// Where the change stands in the feed: positions follow commit order.
    pub position: i64,
    pub resource_type: ResourceType,
    /// The resource's id.
    pub id: Uuid,
    /// The event of an event part, the offer of an interest.
    pub parent_id: Option<Uuid>,
    /// As this reader sees it: a change that made the resource readable to them is
    /// `created`, one that hid it `deleted`.
    pub operation: ChangeOperation,
    /// The resource's `updated_at` after the change (for a deletion, when it was deleted).
    pub version: DateTime<Utc>,
    /// When the change was written.
    pub changed_at: DateTime<Utc>,
    /// The resource as it is now, as its own `GET` shows it to this reader; `null` for a
    /// deletion, or when the resource has been deleted or hidden since (a later change says
    /// so).
    #[schema(value_type = Option<Object>)]
    pub resource: Option<Box<serde_json::value::RawValue>>,
}

/// Query parameters of `GET /api/v1/changes`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeParams {
    /// Only changes of these resource types, comma-separated.
    #[serde(default, deserialize_with = "resource_types")]
    #[param(value_type = Option<String>, example = "cooperation_offer,company", pattern = r"^(company|speaker|event|event_venue|event_session|event_speaker|event_participant|cooperation_offer|cooperation_interest)(,(company|speaker|event|event_venue|event_session|event_speaker|event_participant|cooperation_offer|cooperation_interest))*$")]
    pub types: Option<Vec<ResourceType>>,
    /// Only changes of resources this company reads even when they are not public (its
    /// offers, its interests).
    #[serde(default, deserialize_with = "params::id")]
    pub company_id: Option<Uuid>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page; without it the feed starts at its beginning.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
    /// When nothing is new, wait up to this many seconds for the next change before answering
    /// (long polling); 0, the default, answers at once.
    #[serde(default, deserialize_with = "wait_seconds")]
    #[param(value_type = Option<u64>, minimum = 0, maximum = 30, example = 25)]
    pub wait: Option<std::time::Duration>,
}

/// The longest `wait`.
pub const MAX_WAIT_SECONDS: u64 = 30;

fn wait_seconds<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<std::time::Duration>, D::Error> {
    params::parsed(d, |raw| match raw.trim().parse::<u64>() {
        Ok(n) if n <= MAX_WAIT_SECONDS => Ok(Some(std::time::Duration::from_secs(n))),
        _ => Err(format!(
            "must be a whole number of seconds from 0 to {MAX_WAIT_SECONDS}"
        )),
    })
}

fn resource_types<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<ResourceType>>, D::Error> {
    use strum::VariantNames;
    params::parsed(d, |raw| {
        raw.split(',')
            .map(|part| {
                part.parse().map_err(|_| {
                    format!(
                        "`{part}` is not a resource type; use a comma-separated list of {}",
                        ResourceType::VARIANTS.join(", ")
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    })
}
