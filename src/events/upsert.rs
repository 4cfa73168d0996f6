//! Creating or replacing an event by its external id: `PUT
//! /api/v1/events/by-external-id/{external_id}`.

use chrono::Utc;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::types::{CreateEvent, EventView};
use crate::auth::Caller;
use crate::http::upsert::{Outcome, Preconditions, same_external_id};
use crate::http::{ApiError, Tagged};
use coop_domain::Errors;
use coop_store::events::{self as store, EventRow};
use coop_store::sectors::SectorCatalog;

/// Unique constraints of an event.
pub const UNIQUE: &[(&str, &str)] =
    &[("events_external_id", "another event has this `external_id`")];

/// Creates the event with `external_id`, or replaces it (its agenda must fit the new
/// window), in the caller's transaction. Editors and admins only.
pub async fn upsert_event(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    catalog: &SectorCatalog,
    external_id: &str,
    mut body: CreateEvent,
    preconditions: &Preconditions,
) -> Result<(EventRow, Outcome), ApiError> {
    caller.require_staff()?;
    let mut errors = Errors::default();
    same_external_id(&mut errors, &body.external_id, external_id);
    body.external_id = Some(external_id.to_string());
    let Some(current) = store::find_by_external_id_for_update(conn, external_id).await? else {
        // Invalid content is reported as such (422) whatever the preconditions say.
        let draft = body.parse(catalog, errors)?;
        preconditions.check_absent()?;
        let now = Utc::now();
        let row = store::insert(conn, &draft.into_row(Uuid::now_v7(), now, now))
            .await
            .map_err(ApiError::rejected(&[], UNIQUE))?;
        return Ok((row, Outcome::Created));
    };
    let draft = body.parse(catalog, errors)?;
    let etag = Tagged::new(&EventView::plain(current.clone()))?.etag;
    preconditions.check_present(&etag)?;
    let (starts_at, ends_at) = draft.window();
    let outside = store::sessions_outside(conn, current.id, starts_at, ends_at).await?;
    if outside > 0 {
        return Err(ApiError::invalid(
            "starts_at",
            format!(
                "{outside} session(s) of the agenda would fall outside the new window; move them first"
            ),
        ));
    }
    let row = draft.into_row(current.id, current.created_at, Utc::now());
    // Unchanged when the representation would be the same but for the time of the write.
    let same = EventRow {
        updated_at: current.updated_at,
        ..row.clone()
    };
    if Tagged::new(&EventView::plain(same))?.etag == etag {
        return Ok((current, Outcome::Unchanged));
    }
    let row = store::update(conn, &row)
        .await
        .map_err(ApiError::rejected(&[], UNIQUE))?;
    Ok((row, Outcome::Updated))
}
