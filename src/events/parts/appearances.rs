//! Speaker appearances: who speaks at an event, in which session, in which role.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Catalog, Part, PartListParams, Pool};
use crate::auth::Caller;
use crate::http::{ApiError, JsonBody, NestedPath, Page, Patch, PathId, Problem, Query};
use coop_domain::Errors;
use coop_domain::events::SpeakerRole;
use coop_store::event_parts::appearances::{Appearance, AppearancesTable};
use coop_store::events::EventRow;
use coop_store::sectors::SectorCatalog;

/// A new appearance.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"speaker_id": "0190f5c4-7b11-7a2e-9f0a-5d3c2b1a0f9e", "role": "moderator"}))]
pub struct CreateAppearance {
    /// An existing speaker (422 otherwise).
    pub speaker_id: Uuid,
    /// A session of this event (422 otherwise), or absent for the whole event.
    pub session_id: Option<Uuid>,
    pub role: SpeakerRole,
}

/// A JSON merge patch of an appearance.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "panelist"}))]
pub struct UpdateAppearance {
    #[serde(default)]
    #[schema(value_type = Option<Uuid>, nullable = false, required = false)]
    pub speaker_id: Patch<Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub session_id: Patch<Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<SpeakerRole>, nullable = false, required = false)]
    pub role: Patch<SpeakerRole>,
}

pub struct Appearances;

impl Part for Appearances {
    const NAME: &'static str = "speaker appearance";
    const COLLECTION: &'static str = "speakers";
    const REFS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("event_speakers_speaker_id_fkey", "speaker_id", "speaker"),
        (
            "event_speakers_event_id_session_id_fkey",
            "session_id",
            "session of this event",
        ),
    ];
    const IN_USE: &'static str = "the appearance is still referenced";
    const DUPLICATE: &'static str =
        "this speaker already appears in this role in this session of the event";

    type Row = Appearance;
    type Table = AppearancesTable;
    type View = Appearance;
    type Create = CreateAppearance;
    type Update = UpdateAppearance;

    fn view(row: Appearance) -> Appearance {
        row
    }

    fn apply(u: UpdateAppearance, c: &Appearance, errors: &mut Errors) -> CreateAppearance {
        CreateAppearance {
            speaker_id: u.speaker_id.required(errors, "speaker_id", c.speaker_id),
            session_id: u.session_id.apply_to(c.session_id),
            role: u.role.required(errors, "role", c.role),
        }
    }

    fn build(
        a: CreateAppearance,
        event: &EventRow,
        _: &SectorCatalog,
        errors: Errors,
        id: Uuid,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Appearance, ApiError> {
        errors.finish()?;
        Ok(Appearance {
            id,
            event_id: event.id,
            speaker_id: a.speaker_id,
            session_id: a.session_id,
            role: a.role,
            created_at,
            updated_at: now,
        })
    }
}

/// List the speakers of an event
#[utoipa::path(
    tag = "events",
    operation_id = "listEventAppearances",
    params(("id" = Uuid, Path, description = "Event id"), PartListParams),
    responses(
        (status = 200, description = "One page of speakers", body = Page<Appearance>),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/speakers")]
pub async fn list_appearances(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    id: PathId,
    params: Query<PartListParams>,
) -> Result<HttpResponse, ApiError> {
    super::list::<Appearances>(&caller, &req, &pool, id.0, params.0).await
}

/// Add a speaker appearance to an event
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "createEventAppearance",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Event id")),
    request_body(content = CreateAppearance, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Appearance,
            headers(("Location" = String, description = "URL of the new appearance"), ("ETag" = String, description = "Entity tag"))),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This speaker already appears in this role and session", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/events/{id}/speakers")]
pub async fn create_appearance(
    caller: Caller,
    pool: Pool,
    catalog: Catalog,
    id: PathId,
    body: JsonBody<CreateAppearance>,
) -> Result<HttpResponse, ApiError> {
    super::create::<Appearances>(&caller, &pool, &catalog, id.0, body.0).await
}

/// Get a speaker appearance
#[utoipa::path(
    tag = "events",
    operation_id = "getEventAppearance",
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Appearance id"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The appearance", body = Appearance, headers(("ETag" = String, description = "Entity tag"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No such appearance in this event", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/speakers/{part_id}")]
pub async fn get_appearance(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    super::get::<Appearances>(&caller, &req, &pool, path.parent_id, path.id).await
}

/// Update a speaker appearance
///
/// A JSON merge patch (RFC 7396).
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "updateEventAppearance",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Appearance id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Apply only if the appearance still has one of these ETags"),
    ),
    request_body(content((UpdateAppearance = "application/merge-patch+json"), (UpdateAppearance = "application/json"))),
    responses(
        (status = 200, description = "The updated appearance", body = Appearance, headers(("ETag" = String, description = "Entity tag"))),
        (status = 404, description = "No such appearance in this event", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This speaker already appears in this role and session", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The appearance changed since the client read it; nothing was changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/events/{id}/speakers/{part_id}")]
pub async fn update_appearance(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    catalog: Catalog,
    path: NestedPath,
    body: JsonBody<UpdateAppearance>,
) -> Result<HttpResponse, ApiError> {
    super::update::<Appearances>(
        &caller,
        &req,
        &pool,
        &catalog,
        path.parent_id,
        path.id,
        body.0,
    )
    .await
}

/// Remove a speaker appearance
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "deleteEventAppearance",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Appearance id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Delete only if the appearance still has one of these ETags"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such appearance in this event", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The appearance changed since the client read it; nothing was deleted", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/events/{id}/speakers/{part_id}")]
pub async fn delete_appearance(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    super::delete::<Appearances>(&caller, &req, &pool, path.parent_id, path.id).await
}
