//! The sort orders and keyset positions shared by lists of named resources (companies,
//! speakers), and the macro that turns them into ORDER BY and WHERE clauses.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::pagination::{Cursor, parse_limit};
use super::problem::ApiError;

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

impl NameListing {
    pub fn parse(
        limit: Option<&str>,
        sort: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Self, ApiError> {
        let limit = parse_limit(limit)?;
        let sort: NameSort = parse_enum_param("sort", sort)?.unwrap_or_default();
        let after = match cursor {
            None => Position::Start,
            Some(raw) => {
                let cursor = Cursor::decode(raw, sort.into())?;
                if sort.by_name() {
                    Position::Name(cursor.key_str()?.to_string(), cursor.id)
                } else {
                    Position::CreatedAt(cursor.key_time()?, cursor.id)
                }
            }
        };
        Ok(Self { limit, sort, after })
    }

    /// The cursor pointing after a row with these keys.
    pub fn cursor(&self, sort_name: &str, created_at: DateTime<Utc>, id: Uuid) -> Cursor {
        let name: &'static str = self.sort.into();
        Cursor {
            s: name.to_string(),
            k: if self.sort.by_name() {
                sort_name.into()
            } else {
                created_at.timestamp_micros().into()
            },
            id,
        }
    }
}

/// Applies a [`NameListing`]'s keyset condition, order and limit (plus one, to detect a next
/// page) to a boxed diesel query over a table with `sort_name`, `created_at` and `id` columns.
#[macro_export]
macro_rules! apply_name_listing {
    ($query:expr, $listing:expr, $sort_name:expr, $created_at:expr, $id:expr) => {{
        use $crate::http::listing::{NameSort, Position};
        let listing = $listing;
        let descending = listing.sort.descending();
        let mut query = $query;
        query = match listing.after.clone() {
            Position::Start => query,
            Position::Name(key, id) if descending => {
                query.filter($crate::keyset_after!($sort_name, $id, key, id, desc))
            }
            Position::Name(key, id) => {
                query.filter($crate::keyset_after!($sort_name, $id, key, id, asc))
            }
            Position::CreatedAt(key, id) if descending => {
                query.filter($crate::keyset_after!($created_at, $id, key, id, desc))
            }
            Position::CreatedAt(key, id) => {
                query.filter($crate::keyset_after!($created_at, $id, key, id, asc))
            }
        };
        query = match listing.sort {
            NameSort::Name => query.order(($sort_name.asc(), $id.asc())),
            NameSort::NameDesc => query.order(($sort_name.desc(), $id.desc())),
            NameSort::CreatedAt => query.order(($created_at.asc(), $id.asc())),
            NameSort::CreatedAtDesc => query.order(($created_at.desc(), $id.desc())),
        };
        query.limit(listing.limit + 1)
    }};
}

/// Parses a free-text `q` parameter; blank means no filter.
pub fn parse_q(raw: Option<&str>) -> Result<Option<coop_domain::search::SearchText>, ApiError> {
    coop_domain::search::SearchText::parse_param(raw).map_err(ApiError::from)
}

/// Parses a country filter parameter.
pub fn parse_country(field: &str, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    raw.map(|raw| {
        coop_domain::Country::parse(raw)
            .map(coop_domain::Country::into_inner)
            .map_err(|m| ApiError::bad_parameter(field, m))
    })
    .transpose()
}

/// Parses an id filter parameter.
pub fn parse_id(field: &str, raw: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    raw.map(|raw| {
        Uuid::try_parse(raw).map_err(|_| ApiError::bad_parameter(field, "must be a UUID"))
    })
    .transpose()
}

/// Parses an optional enum query parameter (absent → `None`).
pub fn parse_enum_param<T: std::str::FromStr + strum::VariantNames>(
    field: &str,
    raw: Option<&str>,
) -> Result<Option<T>, ApiError> {
    raw.map(|raw| parse_enum(field, raw)).transpose()
}

/// Parses an enum from a query parameter, naming the allowed values when it does not fit.
pub fn parse_enum<T: std::str::FromStr + strum::VariantNames>(
    field: &str,
    raw: &str,
) -> Result<T, ApiError> {
    raw.trim().parse().map_err(|_| {
        ApiError::bad_parameter(field, format!("must be one of: {}", T::VARIANTS.join(", ")))
    })
}
