//! A page of events for a list request (the event list, a company's or a speaker's events),
//! and the expansion of events with their parts.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse};

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::params::{EventListParams, Expand};
use super::types::*;
use crate::auth::Caller;
use crate::http::pagination::{Rendered, after_time};
use crate::http::{ApiError, Cursor, Page};
use coop_domain::events::EventSort;
use coop_store::event_parts::PartTable;
use coop_store::event_parts::appearances::AppearanceView;
use coop_store::event_parts::participants::ParticipantView;
use coop_store::event_parts::sessions::Session;
use coop_store::event_parts::venues::Venue;
use coop_store::events::{self as store, EventFilter, EventRow};
use coop_store::sectors::SectorCatalog;

/// One page of events for a list request; `scope` carries the filters the path implies
/// (a speaker's or a company's events).
pub async fn event_page(
    req: &HttpRequest,
    caller: &Caller,
    conn: &mut AsyncPgConnection,
    catalog: &SectorCatalog,
    mut p: EventListParams,
    scope: EventFilter,
) -> Result<HttpResponse, ApiError> {
    let limit = p.limit.get();
    let expand = p.expand;
    let sort: EventSort = p.sort.unwrap_or_default();
    let sort_name: &'static str = sort.into();
    let after = after_time(p.cursor.take(), sort_name)?;
    let filter = parse_filter(caller, catalog, p, scope)?;
    if expand.is_empty() {
        let items = store::page(conn, &filter, sort, after, limit).await?;
        let page = Page::from_rows(
            items,
            limit,
            |item| Cursor::at_time(sort_name, item.sort_key(sort), item.id),
            |item| Rendered(item.item),
        );
        return Ok(page.respond_rendered(req));
    }
    let mut rows = store::list(conn, &filter, sort, after, limit).await?;
    let next = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        rows.last()
            .map(|r| Cursor::at_time(sort_name, store::sort_key(sort, r), r.id))
    });
    let items = expand_events(conn, rows, expand).await?;
    let page = Page {
        items,
        next_cursor: next.flatten().map(|c| c.encode()),
    };
    Ok(page.respond(req))
}

/// The filters of an event list request, parsed, within `scope`.
pub fn parse_filter(
    caller: &Caller,
    catalog: &SectorCatalog,
    p: EventListParams,
    scope: EventFilter,
) -> Result<EventFilter, ApiError> {
    Ok(EventFilter {
        from: p.from,
        to: p.to,
        kind: p.kind,
        format: p.format,
        status: p.status,
        country: p.country,
        city: p.city,
        sector: p
            .sector
            .map(|s| catalog.parse_param("sector", &s))
            .transpose()?,
        q: p.q,
        updated_since: p.updated_since,
        external_id: p.external_id,
        include_drafts: caller.is_staff(),
        ..scope
    })
}

impl EventView {
    pub fn plain(row: EventRow) -> Self {
        EventView {
            event: Event::from(row),
            venues: None,
            sessions: None,
            speakers: None,
            participants: None,
        }
    }
}

fn group<T>(items: Vec<T>, key: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut groups: HashMap<Uuid, Vec<T>> = HashMap::new();
    for item in items {
        groups.entry(key(&item)).or_default().push(item);
    }
    groups
}

/// The parts `expand` asks for of some events, each kind in list order.
struct Parts {
    venues: Vec<Venue>,
    sessions: Vec<Session>,
    speakers: Vec<AppearanceView>,
    participants: Vec<ParticipantView>,
}

/// Reads the parts `expand` asks for of the events `ids`: one query per expanded part (people
/// and companies joined to their appearances and participations), whatever the number of
/// events and parts. The queries are independent: polled together they are pipelined on the
/// one connection (sent back to back, answered in order) instead of waiting for each other.
async fn read_parts(
    conn: &AsyncPgConnection,
    ids: &[Uuid],
    expand: Expand,
) -> Result<Parts, ApiError> {
    use coop_store::event_parts::{appearances, participants, sessions, venues};
    let (venues, sessions, speakers, participants) = tokio::try_join!(
        async {
            if expand.venues {
                venues::VenuesTable::list(conn, ids.to_vec(), None, None, None).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if expand.sessions {
                sessions::SessionsTable::list(conn, ids.to_vec(), None, None, None).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if expand.speakers {
                appearances::with_speakers(conn, ids.to_vec()).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if expand.participants {
                participants::with_companies(conn, ids.to_vec()).await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    Ok(Parts {
        venues,
        sessions,
        speakers,
        participants,
    })
}

/// The events with their parts, each embedded where `expand` asks for it.
fn assemble(rows: Vec<EventRow>, parts: Parts, expand: Expand) -> Vec<EventView> {
    let mut venues = group(parts.venues, |v| v.event_id);
    let mut sessions = group(parts.sessions, |s| s.event_id);
    let mut speakers = group(parts.speakers, |a| a.appearance.event_id);
    let mut participants = group(parts.participants, |p| p.participant.event_id);
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            EventView {
                event: Event::from(row),
                venues: expand
                    .venues
                    .then(|| venues.remove(&id).unwrap_or_default()),
                sessions: expand
                    .sessions
                    .then(|| sessions.remove(&id).unwrap_or_default()),
                speakers: expand
                    .speakers
                    .then(|| speakers.remove(&id).unwrap_or_default()),
                participants: expand
                    .participants
                    .then(|| participants.remove(&id).unwrap_or_default()),
            }
        })
        .collect()
}

/// The events with the parts `expand` asks for.
pub async fn expand_events(
    conn: &mut AsyncPgConnection,
    rows: Vec<EventRow>,
    expand: Expand,
) -> Result<Vec<EventView>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let parts = read_parts(conn, &ids, expand).await?;
    Ok(assemble(rows, parts, expand))
}

/// The event `id` with the parts `expand` asks for, if `caller` may see it (`None` when it
/// does not exist or is hidden alike). The event and its parts are read in one pipeline, as
/// the id is all the part queries need; the parts of a hidden event are read and dropped.
pub async fn expanded_event(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    id: Uuid,
    expand: Expand,
) -> Result<Option<EventView>, ApiError> {
    let conn: &AsyncPgConnection = conn;
    let ids = [id];
    let (row, parts) = tokio::try_join!(
        async { Ok::<_, ApiError>(store::find_pipelined(conn, id).await?) },
        read_parts(conn, &ids, expand),
    )?;
    Ok(row
        .filter(|row| row.is_visible_to(caller))
        .and_then(|row| assemble(vec![row], parts, expand).pop()))
}
