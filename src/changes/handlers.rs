//! `GET /api/v1/changes`.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::feed::read_page;
use super::notifier::ChangeNotifier;
use super::types::{Change, ChangeParams};
use crate::auth::Caller;
use crate::http::{ApiError, Cursor, Page, Query};
use coop_store::changes::{self as store, ChangeFilter};
use coop_store::db::DbPool;

/// The sort name in the feed's cursors.
const SORT: &str = "position";

/// Pages this process builds at once; the other requests wait their turn before taking a
/// connection. A page of 100 changes holds their resources and then its body, a few hundred
/// KB: four at a time keep two cores and the database busy, and more only hold more memory
/// and lengthen the slowest answers (docs/PERFORMANCE.md, "Round four").
static PAGES_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// List changes
///
/// Every create, update and delete of companies, speakers, events and their parts, cooperation
/// offers and expressions of interest, in the order the writes committed, oldest first. Start
/// without a cursor, then always pass the `next_cursor` of the last page: the feed has no
/// end, and a page with no items means you are up to date (`next_cursor` then is the cursor
/// you sent). A change that commits late is never skipped: positions are given only to
/// committed changes, in commit order.
///
/// Each reader sees the changes of what they may read: anonymous readers those of public
/// resources (a draft offer that is published appears to them as `created`, a published one
/// that is closed as `deleted`; drafts never appear), company keys also their own company's
/// resources and interests, editor and admin keys everything. Each item carries the resource
/// as it is now.
///
/// With `wait=N`, an answer that would be empty waits up to N seconds for the next change the
/// reader may see and returns as soon as it is there (PostgreSQL announces new positions to
/// every replica; nobody polls).
#[utoipa::path(
    tag = "changes",
    operation_id = "listChanges",
    params(ChangeParams),
    responses(
        (status = 200, description = "One page of changes, oldest first", body = Page<Change>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
    ),
)]
#[get("/changes")]
pub async fn list_changes(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    notifier: web::Data<std::sync::Arc<ChangeNotifier>>,
    params: Query<ChangeParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.0;
    let limit = p.limit.get();
    let given = match p.cursor {
        Some(cursor) => {
            let cursor = cursor.for_sort(SORT)?;
            Some((cursor.key_i64()?, cursor.id))
        }
        None => None,
    };
    let after = given.map_or(0, |(position, _)| position);
    let filter = ChangeFilter {
        types: p.types.unwrap_or_default(),
        company_id: p.company_id,
    };
    // Subscribed before the first read, so that a change announced in between still wakes us.
    let mut announced = notifier.subscribe();
    let deadline = tokio::time::Instant::now() + p.wait.unwrap_or_default();
    // The turn is held until the body is serialized (an empty page waited for gives it back).
    let (items, has_more, _turn) = loop {
        let turn = PAGES_AT_ONCE.acquire().await.map_err(ApiError::internal)?;
        let mut conn = pool.get().await?;
        store::sequence(&mut conn).await?;
        let page = read_page(&mut conn, &caller, &filter, after, limit).await?;
        if !page.items.is_empty() || tokio::time::Instant::now() >= deadline {
            break (page.items, page.has_more, Some(turn));
        }
        // Wait without holding a connection or a turn.
        drop(conn);
        drop(turn);
        match tokio::time::timeout_at(deadline, announced.changed()).await {
            Ok(Ok(())) => continue,
            _ => break (page.items, page.has_more, None),
        }
    };
    // The feed has no last page: the cursor after the last item (or the one given, when
    // nothing is new) is where to ask for later changes.
    let last = items.last().map(|c| (c.position, c.id));
    let next_cursor = last.or(given.filter(|_| !has_more)).map(|(position, id)| {
        Cursor {
            s: SORT.into(),
            k: position.into(),
            id,
        }
        .encode()
    });
    Ok(Page { items, next_cursor }.respond(&req))
}
