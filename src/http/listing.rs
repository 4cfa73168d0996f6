//! Query parameters parsed at the edge: the paging of lists of named resources, `q`,
//! countries, ids and enumerations.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::pagination::{Cursor, parse_limit};
use super::problem::ApiError;
use coop_domain::listing::{NameListing, NameSort, Position};

/// The paging parameters of a list of named resources.
pub fn parse_name_listing(
    limit: Option<&str>,
    sort: Option<&str>,
    cursor: Option<&str>,
) -> Result<NameListing, ApiError> {
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
    Ok(NameListing { limit, sort, after })
}

/// The cursor pointing after a row with these keys.
pub fn name_cursor(
    listing: &NameListing,
    sort_name: &str,
    created_at: DateTime<Utc>,
    id: Uuid,
) -> Cursor {
    let name: &'static str = listing.sort.into();
    Cursor {
        s: name.to_string(),
        k: if listing.sort.by_name() {
            sort_name.into()
        } else {
            created_at.timestamp_micros().into()
        },
        id,
    }
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
