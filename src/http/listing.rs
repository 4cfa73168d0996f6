//! The paging of lists of named resources (companies, speakers): the position a cursor
//! points at under the requested sort, and the cursor after a row.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::pagination::Cursor;
use super::params::Limit;
use super::problem::ApiError;
use coop_domain::listing::{NameListing, NameSort, Position};

/// The paging parameters of a list of named resources.
pub fn parse_name_listing(
    limit: Limit,
    sort: Option<NameSort>,
    cursor: Option<Cursor>,
) -> Result<NameListing, ApiError> {
    let limit = limit.get();
    let sort = sort.unwrap_or_default();
    let after = match cursor {
        None => Position::Start,
        Some(cursor) => {
            let cursor = cursor.for_sort(sort.into())?;
            if sort.by_name() {
                Position::Name(cursor.key_str()?.to_string(), cursor.id)
            } else {
                Position::Time(cursor.key_time()?, cursor.id)
            }
        }
    };
    Ok(NameListing { limit, sort, after })
}

/// The keys of a row a cursor of a list of named resources can point after.
pub struct NameKeys<'a> {
    pub sort_name: &'a str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub id: Uuid,
}

/// A row of a list of named resources.
pub trait NameKeyed {
    fn name_keys(&self) -> NameKeys<'_>;
}

/// `NameKeyed` for rows and items that carry the keys under their own names.
macro_rules! name_keyed {
    ($($row:ty),+) => {$(
        impl NameKeyed for $row {
            fn name_keys(&self) -> NameKeys<'_> {
                NameKeys {
                    sort_name: &self.sort_name,
                    created_at: self.created_at,
                    updated_at: self.updated_at,
                    id: self.id,
                }
            }
        }
    )+};
}

name_keyed!(
    coop_store::companies::CompanyRow,
    coop_store::companies::CompanyItem,
    coop_store::speakers::SpeakerRow,
    coop_store::speakers::SpeakerItem
);

/// The position after a row with these keys, in a list sorted by `sort`.
pub fn position_after(sort: NameSort, row: NameKeys<'_>) -> Position {
    match sort {
        NameSort::Name | NameSort::NameDesc => Position::Name(row.sort_name.to_string(), row.id),
        NameSort::CreatedAt | NameSort::CreatedAtDesc => Position::Time(row.created_at, row.id),
        NameSort::UpdatedAt | NameSort::UpdatedAtDesc => Position::Time(row.updated_at, row.id),
    }
}

/// The cursor pointing after a row with these keys.
pub fn name_cursor(listing: &NameListing, row: NameKeys<'_>) -> Cursor {
    let name: &'static str = listing.sort.into();
    let time = |at: DateTime<Utc>| at.timestamp_micros().into();
    Cursor {
        s: name.to_string(),
        k: match listing.sort {
            NameSort::Name | NameSort::NameDesc => row.sort_name.into(),
            NameSort::CreatedAt | NameSort::CreatedAtDesc => time(row.created_at),
            NameSort::UpdatedAt | NameSort::UpdatedAtDesc => time(row.updated_at),
        },
        id: row.id,
    }
}
