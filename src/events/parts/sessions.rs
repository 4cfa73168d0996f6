//! Sessions: the agenda blocks of an event, inside its time window, optionally at one of its
//! venues.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Catalog, Part, PartListParams, Pool};
use crate::auth::Caller;
use crate::events::types::check_window;
use crate::http::{ApiError, JsonBody, NestedPath, Page, Patch, PathId, Problem, Query};
use coop_domain::text::{self, Lines};
use coop_domain::{Errors, Whole};
use coop_store::event_parts::sessions::{Session, SessionsTable};
use coop_store::events::EventRow;
use coop_store::sectors::SectorCatalog;

/// A new session.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Startups from Moscow and France",
    "starts_at": "2019-11-14T12:00:00Z",
    "ends_at": "2019-11-14T13:00:00Z",
    "position": 5
}))]
pub struct CreateSession {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: String,
    #[schema(
        max_length = 10000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub description: Option<String>,
    /// Within the event's window.
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`, within the event's window.
    pub ends_at: DateTime<Utc>,
    /// A venue of this event (422 otherwise).
    pub venue_id: Option<Uuid>,
    #[serde(default)]
    #[schema(value_type = i32, minimum = 0, maximum = 1000)]
    pub position: Whole,
}

/// A JSON merge patch of a session.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"position": 2}))]
pub struct UpdateSession {
    #[serde(default)]
    #[schema(value_type = Option<String>, nullable = false, required = false, min_length = 1, max_length = 300, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$")]
    pub title: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 10000, pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$")]
    pub description: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<DateTime<Utc>>, nullable = false, required = false)]
    pub starts_at: Patch<DateTime<Utc>>,
    #[serde(default)]
    #[schema(value_type = Option<DateTime<Utc>>, nullable = false, required = false)]
    pub ends_at: Patch<DateTime<Utc>>,
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub venue_id: Patch<Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<i32>, nullable = false, required = false, minimum = 0, maximum = 1000)]
    pub position: Patch<Whole>,
}

pub struct Sessions;

impl Part for Sessions {
    const NAME: &'static str = "session";
    const COLLECTION: &'static str = "sessions";
    const REFS: &'static [(&'static str, &'static str, &'static str)] = &[(
        "event_sessions_event_id_venue_id_fkey",
        "venue_id",
        "venue of this event",
    )];
    const IN_USE: &'static str =
        "speakers still appear in this session; remove or move their appearances first";
    const DUPLICATE: &'static str = "this session already exists";

    type Row = Session;
    type Table = SessionsTable;
    type View = Session;
    type Create = CreateSession;
    type Update = UpdateSession;

    fn view(row: Session) -> Session {
        row
    }

    fn apply(u: UpdateSession, c: &Session, errors: &mut Errors) -> CreateSession {
        let c = c.clone();
        CreateSession {
            title: u.title.required(errors, "title", c.title),
            description: u.description.apply_to(c.description),
            starts_at: u.starts_at.required(errors, "starts_at", c.starts_at),
            ends_at: u.ends_at.required(errors, "ends_at", c.ends_at),
            venue_id: u.venue_id.apply_to(c.venue_id),
            position: u.position.required(errors, "position", Whole(c.position)),
        }
    }

    fn build(
        s: CreateSession,
        event: &EventRow,
        _: &SectorCatalog,
        mut errors: Errors,
        id: Uuid,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Session, ApiError> {
        let title = text::required(&mut errors, "title", &s.title, 300);
        let description = text::optional(
            &mut errors,
            "description",
            s.description.as_deref(),
            10_000,
            Lines::Many,
        );
        check_window(&mut errors, s.starts_at, s.ends_at);
        if s.starts_at < event.starts_at || s.ends_at > event.ends_at {
            errors.add(
                "starts_at",
                format!(
                    "the session must lie within the event, from {} to {}",
                    event.starts_at.to_rfc3339(),
                    event.ends_at.to_rfc3339()
                ),
            );
        }
        if !(0..=1000).contains(&s.position.0) {
            errors.add("position", "must be between 0 and 1000");
        }
        errors.finish()?;
        Ok(Session {
            id,
            event_id: event.id,
            venue_id: s.venue_id,
            title: title.unwrap_or_default(),
            description,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            position: s.position.0,
            created_at,
            updated_at: now,
        })
    }
}

/// List the agenda of an event
#[utoipa::path(
    tag = "events",
    operation_id = "listEventSessions",
    params(("id" = Uuid, Path, description = "Event id"), PartListParams),
    responses(
        (status = 200, description = "One page of sessions", body = Page<Session>),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/sessions")]
pub async fn list_sessions(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    id: PathId,
    params: Query<PartListParams>,
) -> Result<HttpResponse, ApiError> {
    super::list::<Sessions>(&caller, &req, &pool, id.0, params.0).await
}

/// Add a session to the agenda
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "createEventSession",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Event id")),
    request_body(content = CreateSession, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Session,
            headers(("Location" = String, description = "URL of the new session"), ("ETag" = String, description = "Entity tag"))),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/events/{id}/sessions")]
pub async fn create_session(
    caller: Caller,
    pool: Pool,
    catalog: Catalog,
    id: PathId,
    body: JsonBody<CreateSession>,
) -> Result<HttpResponse, ApiError> {
    super::create::<Sessions>(&caller, &pool, &catalog, id.0, body.0).await
}

/// Get a session of the agenda
#[utoipa::path(
    tag = "events",
    operation_id = "getEventSession",
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Session id"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The session", body = Session, headers(("ETag" = String, description = "Entity tag"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No such session in this event", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/sessions/{part_id}")]
pub async fn get_session(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    super::get::<Sessions>(&caller, &req, &pool, path.parent_id, path.id).await
}

/// Update a session of the agenda
///
/// A JSON merge patch (RFC 7396).
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "updateEventSession",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Session id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Apply only if the session still has one of these ETags"),
    ),
    request_body(content((UpdateSession = "application/merge-patch+json"), (UpdateSession = "application/json"))),
    responses(
        (status = 200, description = "The updated session", body = Session, headers(("ETag" = String, description = "Entity tag"))),
        (status = 404, description = "No such session in this event", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The session changed since the client read it; nothing was changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/events/{id}/sessions/{part_id}")]
pub async fn update_session(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    catalog: Catalog,
    path: NestedPath,
    body: JsonBody<UpdateSession>,
) -> Result<HttpResponse, ApiError> {
    super::update::<Sessions>(
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

/// Remove a session from the agenda
///
/// `409 Conflict` while speakers still appear in the session.
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "deleteEventSession",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Session id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Delete only if the session still has one of these ETags"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such session in this event", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Speakers still appear in the session", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The session changed since the client read it; nothing was deleted", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/events/{id}/sessions/{part_id}")]
pub async fn delete_session(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    super::delete::<Sessions>(&caller, &req, &pool, path.parent_id, path.id).await
}
