//! Keyset pagination in diesel: the condition "after this row" and the order of a list.

/// The keyset condition "after (`$at`, `$after_id`)" in a list ordered by (`$key`, `$id`),
/// ascending or descending. Besides the exact condition it states the bound on `$key` alone,
/// which PostgreSQL can use to start the index scan at the cursor: without it a deep page
/// reads (and throws away) every row before the cursor, as OFFSET would.
macro_rules! keyset_after {
    ($key:expr, $id:expr, $at:expr, $after_id:expr, asc) => {{
        let at = $at;
        $key.ge(at.clone())
            .and($key.gt(at.clone()).or($key.eq(at).and($id.gt($after_id))))
    }};
    ($key:expr, $id:expr, $at:expr, $after_id:expr, desc) => {{
        let at = $at;
        $key.le(at.clone())
            .and($key.lt(at.clone()).or($key.eq(at).and($id.lt($after_id))))
    }};
}

/// Applies a [`NameListing`]'s keyset condition, order and limit (plus one, to detect a next
/// page) to a boxed diesel query over a table with `sort_name`, `created_at` and `id` columns.
macro_rules! apply_name_listing {
    ($query:expr, $listing:expr, $sort_name:expr, $created_at:expr, $id:expr) => {{
        use coop_domain::listing::{NameSort, Position};
        let listing = $listing;
        let descending = listing.sort.descending();
        let mut query = $query;
        query = match listing.after.clone() {
            Position::Start => query,
            Position::Name(key, id) if descending => query.filter($crate::listing::keyset_after!(
                $sort_name, $id, key, id, desc
            )),
            Position::Name(key, id) => query.filter($crate::listing::keyset_after!(
                $sort_name, $id, key, id, asc
            )),
            Position::CreatedAt(key, id) if descending => query.filter(
                $crate::listing::keyset_after!($created_at, $id, key, id, desc),
            ),
            Position::CreatedAt(key, id) => query.filter($crate::listing::keyset_after!(
                $created_at,
                $id,
                key,
                id,
                asc
            )),
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

pub(crate) use {apply_name_listing, keyset_after};
