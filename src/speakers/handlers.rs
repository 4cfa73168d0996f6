//! Speaker endpoints.

use crate::idempotency;
use crate::replicas::ReadPool;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::Utc;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::pages::{speaker_filter, speaker_page};
use super::types::*;
use super::upsert::{REFS, UNIQUE, upsert_speaker};
use crate::auth::{Caller, Scope};
use crate::exports;
use crate::http::listing::{NameKeyed, parse_name_listing, position_after};
use crate::http::params::Limit;
use crate::http::upsert::{self, Preconditions, path_external_id};
use crate::http::{
    ApiError, JsonBody, Page, PathId, Problem, Query, Tagged, check_if_match, if_match,
};
use coop_domain::Errors;
use coop_domain::external_id::ExternalId;
use coop_store::db::DbPool;
use coop_store::speakers::{self as store};
use diesel_async::AsyncPgConnection;

/// Create a speaker
///
/// Registers a person who speaks at events. `email` and `phone` are private: responses show
/// them (in `contact`) only to editors, admins and the key of the speaker's company.
///
/// Needs a key: editors and admins may create any speaker; a company key creates speakers of
/// its own company (`company_id` defaults to it, and any other company is a 403).
#[utoipa::path(
    tag = "speakers",
    operation_id = "createSpeaker",
    security(("bearer" = [])),
    request_body(content = CreateSpeaker, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Speaker,
            headers(
                ("Location" = String, description = "URL of the new speaker"),
                ("ETag" = String, description = "Entity tag of the new speaker"),
            )),
        (status = 409, description = "The `external_id` is taken: another speaker of the company has it", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/speakers")]
pub async fn create_speaker(
    caller: Caller,
    pool: web::Data<DbPool>,
    body: JsonBody<CreateSpeaker>,
) -> Result<HttpResponse, ApiError> {
    let mut body = body.0;
    if let Scope::Company(own) = caller.scope() {
        body.company_id.get_or_insert(own);
    }
    caller.require_owner(body.company_id)?;
    let draft = body.parse(Errors::default())?;
    let now = Utc::now();
    let row = draft.into_row(Uuid::now_v7(), now, now);
    let mut conn = pool.get().await?;
    let row = idempotency::write(&mut conn, async |conn| {
        store::insert(conn, &row)
            .await
            .map_err(ApiError::rejected(REFS, UNIQUE))
    })
    .await?;
    let mut created = HttpResponse::Created();
    created.insert_header((header::LOCATION, format!("/api/v1/speakers/{}", row.id)));
    Ok(Tagged::new(&Speaker::from_row(row, &caller))?.with_status(created))
}

/// Create or replace a speaker by its external id
///
/// The integrator's own reference (`external_id`) names the speaker within its company
/// (`company_id` of the body; a company key's own when it names none; or among speakers
/// without a company): if none has it, one is created (201, with `Location`); otherwise
/// that speaker is replaced by the body (200), or left as it is when the body changes
/// nothing (200, and no change in the feed). `If-Match` and `If-None-Match: *` as on the
/// other upserts; `external_id` in the body, if any, must be the one of the path.
///
/// Needs an editor or admin key, or the key of the speaker's company.
#[utoipa::path(
    tag = "speakers",
    operation_id = "putSpeakerByExternalId",
    security(("bearer" = [])),
    params(
        ("external_id" = ExternalId, Path, description = "The integrator's own reference for the speaker"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Replace only if the speaker exists with one of these ETags"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "`*`: create only, never replace"),
    ),
    request_body(content = CreateSpeaker, content_type = "application/json"),
    responses(
        (status = 200, description = "The speaker was replaced, or already was as sent", body = Speaker,
            headers(("ETag" = String, description = "Entity tag of the speaker"))),
        (status = 201, description = "The speaker was created", body = Speaker,
            headers(
                ("Location" = String, description = "URL of the new speaker"),
                ("ETag" = String, description = "Entity tag of the new speaker"),
            )),
        (status = 409, description = "Another request created a speaker with this external id at the same moment; retry", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "A precondition failed; nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/speakers/by-external-id/{external_id}")]
pub async fn put_speaker_by_external_id(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    body: JsonBody<CreateSpeaker>,
) -> Result<HttpResponse, ApiError> {
    let external_id = path_external_id(&req)?;
    let preconditions = Preconditions::of(&req);
    let mut conn = pool.get().await?;
    let (row, outcome) = upsert::transaction(&mut conn, false, async |conn| {
        upsert_speaker(conn, &caller, &external_id, body.0, &preconditions).await
    })
    .await?;
    let location = format!("/api/v1/speakers/{}", row.id);
    Ok(upsert::respond(
        outcome,
        location,
        Tagged::new(&Speaker::from_row(row, &caller))?,
    ))
}

/// Get a speaker
///
/// Answers `304 Not Modified` when `If-None-Match` holds the current `ETag`.
#[utoipa::path(
    tag = "speakers",
    operation_id = "getSpeaker",
    params(
        ("id" = Uuid, Path, description = "Speaker id"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The speaker", body = Speaker,
            headers(("ETag" = String, description = "Entity tag of the speaker"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No speaker has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/speakers/{id}")]
pub async fn get_speaker(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("speaker", id.0))?;
    Ok(Tagged::new(&Speaker::from_row(row, &caller))?.respond(&req))
}

/// Update a speaker
///
/// A JSON merge patch (RFC 7396); `full_name` cannot be cleared. Send `If-Match` with the
/// `ETag` you read to avoid overwriting someone else's change.
///
/// Needs an editor or admin key, or the key of the speaker's company (which cannot move the
/// speaker to another company).
#[utoipa::path(
    tag = "speakers",
    operation_id = "updateSpeaker",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Speaker id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Apply only if the speaker still has one of these ETags"),
    ),
    request_body(content(
        (UpdateSpeaker = "application/merge-patch+json"),
        (UpdateSpeaker = "application/json"),
    )),
    responses(
        (status = 200, description = "The updated speaker", body = Speaker,
            headers(("ETag" = String, description = "Entity tag of the updated speaker"))),
        (status = 404, description = "No speaker has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new `external_id` is taken: another speaker of the company has it; nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The speaker changed since the client read it; nothing was changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/speakers/{id}")]
pub async fn update_speaker(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
    body: JsonBody<UpdateSpeaker>,
) -> Result<HttpResponse, ApiError> {
    let id = id.0;
    let patch = body.0;
    let if_match = if_match(req.headers());
    let mut conn = pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::find_for_update(conn, id)
                .await
                .map_err(ApiError::missing("speaker", id))?;
            caller.require_owner(current.company_id)?;
            let created_at = current.created_at;
            let etag = Tagged::new(&Speaker::from_row(current.clone(), &caller))?.etag;
            let mut errors = Errors::default();
            let draft = patch.apply(current, &mut errors).parse(errors)?;
            caller.require_owner(draft.company_id)?;
            check_if_match(if_match.as_ref(), &etag)?;
            let row = draft.into_row(id, created_at, Utc::now());
            store::update(conn, &row)
                .await
                .map_err(ApiError::rejected(REFS, UNIQUE))
        })
        .await?;
    Ok(Tagged::new(&Speaker::from_row(row, &caller))?.with_status(HttpResponse::Ok()))
}

/// Delete a speaker
///
/// Answers `409 Conflict` while the speaker still appears at events. Needs an editor or admin
/// key, or the key of the speaker's company.
#[utoipa::path(
    tag = "speakers",
    operation_id = "deleteSpeaker",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Speaker id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Delete only if the speaker still has one of these ETags"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No speaker has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The speaker still appears at events", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The speaker changed since the client read it; nothing was deleted", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/speakers/{id}")]
pub async fn delete_speaker(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.0;
    let if_match = if_match(req.headers());
    let mut conn = pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::find_for_update(conn, id)
            .await
            .map_err(ApiError::missing("speaker", id))?;
        caller.require_owner(current.company_id)?;
        check_if_match(
            if_match.as_ref(),
            &Tagged::new(&Speaker::from_row(current, &caller))?.etag,
        )?;
        let appearances = store::appearance_count(conn, id).await?;
        if appearances > 0 {
            return Err(ApiError::conflict(format!(
                "the speaker still has {appearances} event appearance(s); remove them first"
            )));
        }
        store::delete(conn, id).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Export speakers
///
/// Every speaker the filters of `GET /api/v1/speakers` select, as the list shows them
/// (contact details only where the caller may see them), in one streamed response: NDJSON
/// (one object per line) or CSV (`output=csv` or `Accept: text/csv`; a header row of the
/// fields, lists joined with `;`, objects as JSON, text a spreadsheet would run as a formula
/// prefixed with `'`). In the list's order (`sort`), read a page at a time, so exports of
/// any size take constant memory on both sides; not paged.
#[utoipa::path(
    tag = "speakers",
    operation_id = "exportSpeakers",
    params(SpeakerExportParams),
    responses(
        (status = 200, description = "Every speaker selected, one per line", content(
            (Speaker = "application/x-ndjson"),
            (String = "text/csv"),
        ), headers(("Content-Disposition" = String, description = "`attachment; filename=\"speakers.ndjson\"` (or `.csv`)"))),
    ),
)]
#[get("/speakers/export")]
pub async fn export_speakers(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    params: Query<SpeakerExportParams>,
) -> Result<HttpResponse, ApiError> {
    let format = exports::format(&req)?;
    let params = params.0.0;
    let mut listing = parse_name_listing(Limit::of(exports::PAGE), params.sort, None)?;
    let filter = speaker_filter(params);
    let conn = pool.get().await?;
    let next_page = async move |conn: &mut AsyncPgConnection| {
        let mut rows = store::list(conn, &filter, &listing).await?;
        rows.truncate(listing.limit as usize);
        if let Some(row) = rows.last() {
            listing.after = position_after(listing.sort, row.name_keys());
        }
        Ok(rows
            .into_iter()
            .map(|row| Speaker::from_row(row, &caller))
            .collect())
    };
    let columns = exports::columns::<Speaker>();
    Ok(exports::export(
        conn, format, columns, "speakers", next_page,
    ))
}

/// List speakers
///
/// Filter by company, country and free text; sort by name or creation time.
#[utoipa::path(
    tag = "speakers",
    operation_id = "listSpeakers",
    params(SpeakerListParams),
    responses(
        (status = 200, description = "One page of speakers", body = Page<Speaker>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
    ),
)]
#[get("/speakers")]
pub async fn list_speakers(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    params: Query<SpeakerListParams>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    speaker_page(&req, &caller, &mut conn, params.0).await
}

/// List the events of a speaker
///
/// The events where the speaker appears, with the filters, sorting and `expand` of
/// `GET /api/v1/events`.
#[utoipa::path(
    tag = "speakers",
    operation_id = "listSpeakerEvents",
    params(("id" = Uuid, Path, description = "Speaker id"), crate::events::params::EventListParams),
    responses(
        (status = 200, description = "One page of events", body = Page<crate::events::types::EventView>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
        (status = 404, description = "No speaker has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/speakers/{id}/events")]
pub async fn list_speaker_events(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<coop_store::sectors::SectorCatalog>,
    id: PathId,
    params: Query<crate::events::params::EventListParams>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    store::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("speaker", id.0))?;
    let scope = coop_store::events::EventFilter {
        speaker_id: Some(id.0),
        ..Default::default()
    };
    crate::events::pages::event_page(&req, &caller, &mut conn, &catalog, params.0, scope).await
}
