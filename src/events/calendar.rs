//! Calendars (iCalendar, RFC 5545) for calendar applications: an event with its agenda, a
//! filtered list of events, a speaker's own agenda. Built with the `icalendar` crate, which
//! escapes and folds the text; times are in UTC, which every client shows in its own zone.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use icalendar::{Calendar, Component, EventLike, EventStatus as IcalStatus};
use uuid::Uuid;

use super::pages::{expand_events, parse_filter};
use super::params::{EventCalendarParams, Expand};
use super::types::EventView;
use crate::auth::Caller;
use crate::http::{ApiError, PathId, Problem, Query, Tagged};
use crate::replicas::ReadPool;
use coop_domain::events::{EventSort, EventStatus};
use coop_store::db::DbPool;
use coop_store::event_parts::appearances::AppearanceView;
use coop_store::event_parts::venues::Venue;
use coop_store::events::{self as store, EventFilter, EventRow};
use coop_store::sectors::SectorCatalog;

/// The media type of every calendar.
pub const TEXT_CALENDAR: &str = "text/calendar; charset=utf-8";

/// The most events a calendar of several events holds (calendars are not paged): the
/// earliest first.
pub const MAX_EVENTS: i64 = 500;

const PRODID: &str = concat!(
    "-//coopapi//Cooperation platform API ",
    env!("CARGO_PKG_VERSION"),
    "//EN"
);

/// What a calendar holds of each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agenda {
    /// The event and each of its sessions.
    Whole,
    /// Only what this speaker takes part in: the sessions they appear in, or the whole event
    /// when they appear without a session.
    OfSpeaker(Uuid),
}

/// The calendar named `name` of `events` (expanded with venues, sessions and speakers).
pub fn calendar(name: &str, events: &[EventView], agenda: Agenda) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("PRODID", PRODID))
        .append_property(("VERSION", "2.0"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name(name);
    for view in events {
        for component in event_components(view, agenda) {
            calendar.push(component);
        }
    }
    calendar.to_string()
}

fn event_components(view: &EventView, agenda: Agenda) -> Vec<icalendar::Event> {
    let event = &view.event;
    let venues: HashMap<Uuid, &Venue> = view
        .venues
        .iter()
        .flatten()
        .map(|venue| (venue.id, venue))
        .collect();
    let appearances: &[AppearanceView] = view.speakers.as_deref().unwrap_or_default();
    let status = match event.status {
        EventStatus::Cancelled => IcalStatus::Cancelled,
        EventStatus::Draft => IcalStatus::Tentative,
        EventStatus::Scheduled | EventStatus::Completed => IcalStatus::Confirmed,
    };
    let whole_location = view
        .venues
        .iter()
        .flatten()
        .map(place)
        .collect::<Vec<_>>()
        .join(" / ");
    let mut components = Vec::new();
    let (include_event, sessions): (bool, Vec<Uuid>) = match agenda {
        Agenda::Whole => (true, view.sessions.iter().flatten().map(|s| s.id).collect()),
        Agenda::OfSpeaker(speaker) => {
            let own: Vec<&AppearanceView> = appearances
                .iter()
                .filter(|a| a.speaker.id == speaker)
                .collect();
            (
                own.iter().any(|a| a.appearance.session_id.is_none()),
                own.iter().filter_map(|a| a.appearance.session_id).collect(),
            )
        }
    };
    if include_event {
        let mut description = event.description.clone().unwrap_or_default();
        append_speakers(&mut description, appearances.iter());
        let mut component = icalendar::Event::new();
        component
            .uid(&event.id.to_string())
            .summary(&event.title)
            .starts(event.starts_at)
            .ends(event.ends_at)
            .timestamp(event.updated_at)
            .created(event.created_at)
            .last_modified(event.updated_at)
            .status(status)
            .categories(&event.sectors);
        if !description.is_empty() {
            component.description(&description);
        }
        if !whole_location.is_empty() {
            component.location(&whole_location);
        }
        components.push(component.done());
    }
    for session in view.sessions.iter().flatten() {
        if !sessions.contains(&session.id) {
            continue;
        }
        let mut description = session.description.clone().unwrap_or_default();
        append_speakers(
            &mut description,
            appearances
                .iter()
                .filter(|a| a.appearance.session_id == Some(session.id)),
        );
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&event.title);
        let location = match session.venue_id.and_then(|id| venues.get(&id)) {
            Some(venue) => place(venue),
            None => whole_location.clone(),
        };
        let mut component = icalendar::Event::new();
        component
            .uid(&session.id.to_string())
            .summary(&session.title)
            .description(&description)
            .starts(session.starts_at)
            .ends(session.ends_at)
            .timestamp(session.updated_at)
            .created(session.created_at)
            .last_modified(session.updated_at)
            .status(status)
            .add_property("RELATED-TO", event.id.to_string());
        if !location.is_empty() {
            component.location(&location);
        }
        components.push(component.done());
    }
    components
}

/// A venue as a `LOCATION`: its name, address, city and country.
fn place(venue: &Venue) -> String {
    [
        Some(venue.name.as_str()),
        venue.address.as_deref(),
        Some(venue.city.as_str()),
        Some(venue.country.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// Adds "Speakers:" and one line per speaker (name, native name, position) to a description.
fn append_speakers<'a>(
    description: &mut String,
    appearances: impl Iterator<Item = &'a AppearanceView>,
) {
    let mut lines = Vec::new();
    for appearance in appearances {
        let speaker = &appearance.speaker;
        let mut line = speaker.full_name.clone();
        if let Some(native) = &speaker.native_name {
            line.push_str(&format!(" ({native})"));
        }
        if let Some(position) = &speaker.position {
            line.push_str(&format!(", {position}"));
        }
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        return;
    }
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str("Speakers:");
    for line in lines {
        description.push_str("\n- ");
        description.push_str(&line);
    }
}

/// What a calendar shows of each event.
const PARTS: Expand = Expand {
    venues: true,
    sessions: true,
    speakers: true,
    participants: false,
};

async fn respond(
    req: &HttpRequest,
    conn: &mut diesel_async::AsyncPgConnection,
    name: &str,
    rows: Vec<EventRow>,
    agenda: Agenda,
) -> Result<HttpResponse, ApiError> {
    let views = expand_events(conn, rows, PARTS).await?;
    let body = calendar(name, &views, agenda).into_bytes();
    Ok(Tagged::of_bytes(body, TEXT_CALENDAR).respond(req))
}

/// The first [`MAX_EVENTS`] events of `filter`, earliest first.
async fn events(
    conn: &mut diesel_async::AsyncPgConnection,
    filter: &EventFilter,
) -> Result<Vec<EventRow>, ApiError> {
    let mut rows = store::list(conn, filter, EventSort::StartsAt, None, MAX_EVENTS).await?;
    rows.truncate(MAX_EVENTS as usize);
    Ok(rows)
}

/// An event's calendar
///
/// The event and each session of its agenda as iCalendar (RFC 5545) `VEVENT`s, to add to
/// a calendar application or subscribe to: times in UTC, the venue as `LOCATION` (a
/// session's own venue, or all of the event's), the speakers in the description, each
/// session `RELATED-TO` its event. `ETag` and `If-None-Match` work as on the event.
#[utoipa::path(
    tag = "events",
    operation_id = "getEventCalendar",
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The event's calendar", body = String, content_type = "text/calendar",
            headers(("ETag" = String, description = "Entity tag of this calendar"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/calendar.ics")]
pub async fn get_event_calendar(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let row = store::find_visible(&mut conn, &caller, id.0)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no event with id {}", id.0)))?;
    let name = row.title.clone();
    respond(&req, &mut conn, &name, vec![row], Agenda::Whole).await
}

/// A calendar of events
///
/// The events the filters of `GET /api/v1/events` select, each with its agenda, as one
/// iCalendar feed to subscribe to (for example every event in France from today:
/// `?country=FR&from=...`). Not paged: at most 500 events, the earliest first; narrow
/// with `from` and `to` for more.
#[utoipa::path(
    tag = "events",
    operation_id = "getEventsCalendar",
    params(
        EventCalendarParams,
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The calendar", body = String, content_type = "text/calendar",
            headers(("ETag" = String, description = "Entity tag of this calendar"))),
        (status = 304, description = "The client's copy is current"),
    ),
)]
#[get("/events/calendar.ics")]
pub async fn get_events_calendar(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    params: Query<EventCalendarParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = parse_filter(&caller, &catalog, params.0.0, EventFilter::default())?;
    let mut conn = pool.get().await?;
    let rows = events(&mut conn, &filter).await?;
    respond(&req, &mut conn, "Events", rows, Agenda::Whole).await
}

/// A speaker's calendar
///
/// What the speaker takes part in, as iCalendar `VEVENT`s: each session they appear in,
/// and the whole event where they appear without a session. At most 500 events, the
/// earliest first.
#[utoipa::path(
    tag = "speakers",
    operation_id = "getSpeakerCalendar",
    params(
        ("id" = Uuid, Path, description = "Speaker id"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The speaker's calendar", body = String, content_type = "text/calendar",
            headers(("ETag" = String, description = "Entity tag of this calendar"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No speaker has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/speakers/{id}/calendar.ics")]
pub async fn get_speaker_calendar(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let speaker = coop_store::speakers::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("speaker", id.0))?;
    let filter = EventFilter {
        speaker_id: Some(id.0),
        include_drafts: caller.is_staff(),
        ..EventFilter::default()
    };
    let rows = events(&mut conn, &filter).await?;
    let name = format!("{}: agenda", speaker.full_name);
    respond(&req, &mut conn, &name, rows, Agenda::OfSpeaker(id.0)).await
}
