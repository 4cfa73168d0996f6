//! The sort orders and keyset positions shared by lists of named resources (companies,
//! speakers).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Sort orders of lists of named resources; `-` means descending.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    ToSchema,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
)]
pub enum NameSort {
    /// By name, A to Z (case, accents and script ignored).
    #[default]
    #[strum(serialize = "name")]
    #[serde(rename = "name")]
    Name,
    #[strum(serialize = "-name")]
    #[serde(rename = "-name")]
    NameDesc,
    /// Oldest first.
    #[strum(serialize = "created_at")]
    #[serde(rename = "created_at")]
    CreatedAt,
    /// Newest first.
    #[strum(serialize = "-created_at")]
    #[serde(rename = "-created_at")]
    CreatedAtDesc,
}

impl NameSort {
    pub fn descending(self) -> bool {
        matches!(self, NameSort::NameDesc | NameSort::CreatedAtDesc)
    }

    pub fn by_name(self) -> bool {
        matches!(self, NameSort::Name | NameSort::NameDesc)
    }
}

/// Where a page starts: after the row with this sort key and id.
#[derive(Debug, Clone)]
pub enum Position {
    Start,
    Name(String, Uuid),
    CreatedAt(DateTime<Utc>, Uuid),
}

/// The paging parameters of a list of named resources, parsed.
#[derive(Debug, Clone)]
pub struct NameListing {
    pub limit: i64,
    pub sort: NameSort,
    pub after: Position,
}
