//! Event endpoints, and the expansion of an event with its parts.

use crate::idempotency;
use crate::replicas::ReadPool;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::Utc;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::pages::{event_page, expanded_event, parse_filter};
use super::params::{EventExportParams, EventGetParams, EventListParams};
use super::types::*;
use super::upsert::{UNIQUE, upsert_event};
use crate::auth::Caller;
use crate::exports;
use crate::http::upsert::{self, Preconditions, path_external_id};
use crate::http::{
    ApiError, JsonBody, Page, PathId, Problem, Query, Tagged, check_if_match, if_match,
};
use coop_domain::Errors;
use coop_domain::external_id::ExternalId;
use coop_store::db::DbPool;
use coop_store::events::{self as store, EventFilter};
use coop_store::sectors::SectorCatalog;
use diesel_async::AsyncPgConnection;

/// Create an event
///
/// Registers an event. Add its venues, agenda, speakers and participating companies with the
/// `/api/v1/events/{id}/...` operations. Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "createEvent",
    security(("bearer" = [])),
    request_body(content = CreateEvent, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Event,
            headers(
                ("Location" = String, description = "URL of the new event"),
                ("ETag" = String, description = "Entity tag of the new event"),
            )),
        (status = 409, description = "The `external_id` is taken: another event has it", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/events")]
pub async fn create_event(
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    body: JsonBody<CreateEvent>,
) -> Result<HttpResponse, ApiError> {
    caller.require_staff()?;
    let draft = body.0.parse(&catalog, Errors::default())?;
    let now = Utc::now();
    let row = draft.into_row(Uuid::now_v7(), now, now);
    let mut conn = pool.get().await?;
    let row = idempotency::write(&mut conn, async |conn| {
        store::insert(conn, &row)
            .await
            .map_err(ApiError::rejected(&[], UNIQUE))
    })
    .await?;
    let mut created = HttpResponse::Created();
    created.insert_header((header::LOCATION, format!("/api/v1/events/{}", row.id)));
    Ok(Tagged::new(&Event::from(row))?.with_status(created))
}

/// Create or replace an event by its external id
///
/// The integrator's own reference (`external_id`, unique across the platform) names the
/// event: if none has it, one is created (201, with `Location`); otherwise that event is
/// replaced by the body (200; its agenda must fit the new window, 422 otherwise), or left as
/// it is when the body changes nothing (200, and no change in the feed). `If-Match` and
/// `If-None-Match: *` as on the other upserts; `external_id` in the body, if any, must be the
/// one of the path.
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "putEventByExternalId",
    security(("bearer" = [])),
    params(
        ("external_id" = ExternalId, Path, description = "The integrator's own reference for the event"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Replace only if the event exists with one of these ETags"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "`*`: create only, never replace"),
    ),
    request_body(content = CreateEvent, content_type = "application/json"),
    responses(
        (status = 200, description = "The event was replaced, or already was as sent", body = Event,
            headers(("ETag" = String, description = "Entity tag of the event"))),
        (status = 201, description = "The event was created", body = Event,
            headers(
                ("Location" = String, description = "URL of the new event"),
                ("ETag" = String, description = "Entity tag of the new event"),
            )),
        (status = 409, description = "Another request created an event with this external id at the same moment; retry", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "A precondition failed; nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/events/by-external-id/{external_id}")]
pub async fn put_event_by_external_id(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    body: JsonBody<CreateEvent>,
) -> Result<HttpResponse, ApiError> {
    let external_id = path_external_id(&req)?;
    let preconditions = Preconditions::of(&req);
    let mut conn = pool.get().await?;
    let (row, outcome) = upsert::transaction(&mut conn, false, async |conn| {
        upsert_event(
            conn,
            &caller,
            &catalog,
            &external_id,
            body.0,
            &preconditions,
        )
        .await
    })
    .await?;
    let location = format!("/api/v1/events/{}", row.id);
    Ok(upsert::respond(
        outcome,
        location,
        Tagged::new(&Event::from(row))?,
    ))
}

/// Export events
///
/// Every event the filters of `GET /api/v1/events` select, as the list shows it (without `expand`), in one
/// streamed response: NDJSON (one object per line) or CSV (`output=csv` or `Accept:
/// text/csv`; a header row of the fields, lists joined with `;`, objects as JSON, text a
/// spreadsheet would run as a formula prefixed with `'`). In the list's order (`sort`), read
/// a page at a time, so exports of any size take constant memory on both sides; not paged.
#[utoipa::path(
    tag = "events",
    operation_id = "exportEvents",
    params(EventExportParams),
    responses(
        (status = 200, description = "Every event selected, one per line", content(
            (Event = "application/x-ndjson"),
            (String = "text/csv"),
        ), headers(("Content-Disposition" = String, description = "`attachment; filename=\"events.ndjson\"` (or `.csv`)"))),
    ),
)]
#[get("/events/export")]
pub async fn export_events(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    params: Query<EventExportParams>,
) -> Result<HttpResponse, ApiError> {
    let format = exports::format(&req)?;
    let params = params.0.0;
    let sort = params.sort.unwrap_or_default();
    let filter = parse_filter(&caller, &catalog, params, EventFilter::default())?;
    let conn = pool.get().await?;
    let mut after = None;
    let next_page = async move |conn: &mut AsyncPgConnection| {
        let mut rows = store::list(conn, &filter, sort, after, exports::PAGE).await?;
        rows.truncate(exports::PAGE as usize);
        after = rows.last().map(|row| (store::sort_key(sort, row), row.id));
        Ok(rows.into_iter().map(Event::from).collect())
    };
    let columns = exports::columns::<Event>();
    Ok(exports::export(conn, format, columns, "events", next_page))
}

/// Get an event
///
/// `expand=venues,sessions,speakers,participants` embeds those parts (speakers and companies
/// with their names) in a fixed number of queries, however many parts there are.
#[utoipa::path(
    tag = "events",
    operation_id = "getEvent",
    params(
        ("id" = Uuid, Path, description = "Event id"),
        EventGetParams,
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The event", body = EventView,
            headers(("ETag" = String, description = "Entity tag of this representation"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}")]
pub async fn get_event(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
    params: Query<EventGetParams>,
) -> Result<HttpResponse, ApiError> {
    let expand = params.0.expand;
    let mut conn = pool.get().await?;
    let view = expanded_event(&mut conn, &caller, id.0, expand)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no event with id {}", id.0)))?;
    Ok(Tagged::new(&view)?.respond(&req))
}

/// Update an event
///
/// A JSON merge patch (RFC 7396). The new window must still hold every session of the agenda.
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "updateEvent",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Apply only if the event still has one of these ETags"),
    ),
    request_body(content((UpdateEvent = "application/merge-patch+json"), (UpdateEvent = "application/json"))),
    responses(
        (status = 200, description = "The updated event", body = Event,
            headers(("ETag" = String, description = "Entity tag of the updated event"))),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new `external_id` is taken: another event has it; nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The event changed since the client read it; nothing was changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/events/{id}")]
pub async fn update_event(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    id: PathId,
    body: JsonBody<UpdateEvent>,
) -> Result<HttpResponse, ApiError> {
    caller.require_staff()?;
    let id = id.0;
    let patch = body.0;
    let if_match = if_match(req.headers());
    let mut conn = pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::find_for_update(conn, id).await.map_err(ApiError::missing("event", id))?;
            let created_at = current.created_at;
            let etag = Tagged::new(&EventView::plain(current.clone()))?.etag;
            let mut errors = Errors::default();
            let draft = patch.apply(current, &mut errors).parse(&catalog, errors)?;
            let (starts_at, ends_at) = draft.window();
            let outside = store::sessions_outside(conn, id, starts_at, ends_at).await?;
            if outside > 0 {
                return Err(ApiError::invalid(
                    "starts_at",
                    format!("{outside} session(s) of the agenda would fall outside the new window; move them first"),
                ));
            }
            check_if_match(if_match.as_ref(), &etag)?;
            store::update(conn, &draft.into_row(id, created_at, Utc::now()))
                .await
                .map_err(ApiError::rejected(&[], UNIQUE))
        })
        .await?;
    Ok(Tagged::new(&EventView::plain(row))?.with_status(HttpResponse::Ok()))
}

/// Delete an event
///
/// Deletes the event together with its venues, sessions, speaker appearances and
/// participations, which belong to it. `409 Conflict` while cooperation offers still refer to
/// the event (they belong to their companies).
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "deleteEvent",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Delete only if the event still has one of these ETags"),
    ),
    responses(
        (status = 204, description = "Deleted, with its venues, sessions, appearances and participations"),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Cooperation offers still refer to the event", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The event changed since the client read it; nothing was deleted", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/events/{id}")]
pub async fn delete_event(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    caller.require_staff()?;
    let id = id.0;
    let if_match = if_match(req.headers());
    let mut conn = pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::find_for_update(conn, id)
            .await
            .map_err(ApiError::missing("event", id))?;
        check_if_match(
            if_match.as_ref(),
            &Tagged::new(&EventView::plain(current))?.etag,
        )?;
        let offers = store::offer_count(conn, id).await?;
        if offers > 0 {
            return Err(ApiError::conflict(format!(
                "{offers} cooperation offer(s) still refer to the event; unlink them first"
            )));
        }
        store::delete(conn, id).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List events
///
/// Filter by time range (events overlapping `from`–`to`), kind, format, status, venue country
/// and city, sector and free text; `expand` embeds parts as on `GET /api/v1/events/{id}`.
#[utoipa::path(
    tag = "events",
    operation_id = "listEvents",
    params(EventListParams),
    responses(
        (status = 200, description = "One page of events", body = Page<EventView>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
    ),
)]
#[get("/events")]
pub async fn list_events(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    params: Query<EventListParams>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    event_page(
        &req,
        &caller,
        &mut conn,
        &catalog,
        params.0,
        EventFilter::default(),
    )
    .await
}
