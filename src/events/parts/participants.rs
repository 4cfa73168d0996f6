//! Participations: the companies at an event and their roles (organizer, partner...).

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Catalog, Part, PartListParams, Pool};
use crate::auth::Caller;
use crate::http::{ApiError, JsonBody, NestedPath, Page, Patch, PathId, Problem, Query};
use coop_domain::Errors;
use coop_domain::events::ParticipantRole;
use coop_store::event_parts::participants::{Participant, ParticipantsTable};
use coop_store::events::EventRow;
use coop_store::sectors::SectorCatalog;

/// A new participation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d", "role": "co_organizer"}))]
pub struct CreateParticipant {
    /// An existing company (422 otherwise).
    pub company_id: Uuid,
    pub role: ParticipantRole,
}

/// A JSON merge patch of a participation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "partner"}))]
pub struct UpdateParticipant {
    #[serde(default)]
    #[schema(value_type = Option<Uuid>, nullable = false, required = false)]
    pub company_id: Patch<Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<ParticipantRole>, nullable = false, required = false)]
    pub role: Patch<ParticipantRole>,
}

pub struct Participants;

impl Part for Participants {
    const NAME: &'static str = "participation";
    const COLLECTION: &'static str = "participants";
    const REFS: &'static [(&'static str, &'static str, &'static str)] = &[(
        "event_participants_company_id_fkey",
        "company_id",
        "company",
    )];
    const IN_USE: &'static str = "the participation is still referenced";
    const DUPLICATE: &'static str = "this company already takes part in the event in this role";

    type Row = Participant;
    type Table = ParticipantsTable;
    type View = Participant;
    type Create = CreateParticipant;
    type Update = UpdateParticipant;

    fn view(row: Participant) -> Participant {
        row
    }

    fn apply(u: UpdateParticipant, c: &Participant, errors: &mut Errors) -> CreateParticipant {
        CreateParticipant {
            company_id: u.company_id.required(errors, "company_id", c.company_id),
            role: u.role.required(errors, "role", c.role),
        }
    }

    fn build(
        a: CreateParticipant,
        event: &EventRow,
        _: &SectorCatalog,
        errors: Errors,
        id: Uuid,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Participant, ApiError> {
        errors.finish()?;
        Ok(Participant {
            id,
            event_id: event.id,
            company_id: a.company_id,
            role: a.role,
            created_at,
            updated_at: now,
        })
    }
}

/// List the companies taking part in an event
#[utoipa::path(
    tag = "events",
    operation_id = "listEventParticipants",
    params(("id" = Uuid, Path, description = "Event id"), PartListParams),
    responses(
        (status = 200, description = "One page of participants", body = Page<Participant>),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/participants")]
pub async fn list_participants(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    id: PathId,
    params: Query<PartListParams>,
) -> Result<HttpResponse, ApiError> {
    super::list::<Participants>(&caller, &req, &pool, id.0, params.0).await
}

/// Add a participating company to an event
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "createEventParticipant",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Event id")),
    request_body(content = CreateParticipant, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Participant,
            headers(("Location" = String, description = "URL of the new participant"), ("ETag" = String, description = "Entity tag"))),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This company already takes part in this role", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/events/{id}/participants")]
pub async fn create_participant(
    caller: Caller,
    pool: Pool,
    catalog: Catalog,
    id: PathId,
    body: JsonBody<CreateParticipant>,
) -> Result<HttpResponse, ApiError> {
    super::create::<Participants>(&caller, &pool, &catalog, id.0, body.0).await
}

/// Get a participation
#[utoipa::path(
    tag = "events",
    operation_id = "getEventParticipant",
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Participant id"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The participant", body = Participant, headers(("ETag" = String, description = "Entity tag"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No such participant in this event", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/participants/{part_id}")]
pub async fn get_participant(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    super::get::<Participants>(&caller, &req, &pool, path.parent_id, path.id).await
}

/// Update a participation
///
/// A JSON merge patch (RFC 7396).
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "updateEventParticipant",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Participant id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Apply only if the participant still has one of these ETags"),
    ),
    request_body(content((UpdateParticipant = "application/merge-patch+json"), (UpdateParticipant = "application/json"))),
    responses(
        (status = 200, description = "The updated participant", body = Participant, headers(("ETag" = String, description = "Entity tag"))),
        (status = 404, description = "No such participant in this event", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This company already takes part in this role", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The participant changed since the client read it; nothing was changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/events/{id}/participants/{part_id}")]
pub async fn update_participant(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    catalog: Catalog,
    path: NestedPath,
    body: JsonBody<UpdateParticipant>,
) -> Result<HttpResponse, ApiError> {
    super::update::<Participants>(
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

/// Remove a participation
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "deleteEventParticipant",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Participant id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Delete only if the participant still has one of these ETags"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such participant in this event", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The participant changed since the client read it; nothing was deleted", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/events/{id}/participants/{part_id}")]
pub async fn delete_participant(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    super::delete::<Participants>(&caller, &req, &pool, path.parent_id, path.id).await
}
