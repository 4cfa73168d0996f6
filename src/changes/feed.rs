//! Reading the change log as one reader sees it: the feed's pages and the webhooks'
//! deliveries are made by the same function.

use super::resources::{Prefetched, current};
use super::types::Change;
use crate::auth::Caller;
use crate::http::ApiError;
use coop_domain::changes::{ChangeOperation, operation_seen};
use coop_store::changes::{self as store, ChangeFilter};

/// Up to `limit` changes after a position, as one reader sees them.
pub struct FeedPage {
    pub items: Vec<Change>,
    /// Whether changes after the last one read remain.
    pub has_more: bool,
    /// The position of the last change read, seen by the reader or not.
    pub last_read: Option<i64>,
}

/// The changes after position `after` that `caller` may know of, with their resources as they
/// are now.
pub async fn read_page(
    conn: &mut diesel_async::AsyncPgConnection,
    caller: &Caller,
    filter: &ChangeFilter,
    after: i64,
    limit: i64,
) -> Result<FeedPage, ApiError> {
    let scope = caller.scope();
    let rows = store::list(conn, scope, filter, after, limit).await?;
    let has_more = rows.len() as i64 > limit;
    let read = rows.len().min(limit as usize);
    let last_read = read
        .checked_sub(1)
        .and_then(|last| rows.get(last))
        .and_then(|row| row.position);
    let seen: Vec<_> = rows
        .into_iter()
        .take(limit as usize)
        .filter_map(|row| {
            let operation = operation_seen(
                scope,
                row.operation,
                row.public_before,
                row.public_after,
                &row.audience,
            )?;
            Some((row, operation))
        })
        .collect();
    let wanted = seen
        .iter()
        .filter(|(_, operation)| *operation != ChangeOperation::Deleted)
        .map(|(row, _)| (row.resource_type, row.resource_id));
    let prefetched = Prefetched::read(conn, caller, wanted).await?;
    let mut items = Vec::with_capacity(seen.len());
    for (row, operation) in seen {
        let resource = match operation {
            ChangeOperation::Deleted => None,
            _ => match prefetched.get(row.resource_type, row.resource_id) {
                Some(found) => found,
                None => {
                    current(
                        conn,
                        caller,
                        row.resource_type,
                        row.resource_id,
                        row.parent_id,
                    )
                    .await?
                }
            },
        };
        items.push(Change {
            position: row.position.unwrap_or_default(),
            resource_type: row.resource_type,
            id: row.resource_id,
            parent_id: row.parent_id,
            operation,
            version: row.version,
            changed_at: row.changed_at,
            resource,
        });
    }
    Ok(FeedPage {
        items,
        has_more,
        last_read,
    })
}
