//! The sort orders and keyset positions shared by lists of named resources (companies,
//! speakers).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::text_enum::key_enum;

key_enum! {
    /// Sort orders of lists of named resources; `-` means descending.
    #[derive(Default)]
    NameSort {
        /// By name, A to Z (case, accents and script ignored).
        #[default]
        Name = "name",
        NameDesc = "-name",
        /// Oldest first.
        CreatedAt = "created_at",
        /// Newest first.
        CreatedAtDesc = "-created_at",
        /// Least recently changed first: with `updated_since`, what a sync reads.
        UpdatedAt = "updated_at",
        /// Most recently changed first.
        UpdatedAtDesc = "-updated_at",
    }
}

impl NameSort {
    pub fn descending(self) -> bool {
        matches!(
            self,
            NameSort::NameDesc | NameSort::CreatedAtDesc | NameSort::UpdatedAtDesc
        )
    }

    pub fn by_name(self) -> bool {
        matches!(self, NameSort::Name | NameSort::NameDesc)
    }
}

/// Where a page starts: after the row with this sort key and id (a name, or the time the
/// sort orders by).
#[derive(Debug, Clone)]
pub enum Position {
    Start,
    Name(String, Uuid),
    Time(DateTime<Utc>, Uuid),
}

/// The paging parameters of a list of named resources, parsed.
#[derive(Debug, Clone)]
pub struct NameListing {
    pub limit: i64,
    pub sort: NameSort,
    pub after: Position,
}
