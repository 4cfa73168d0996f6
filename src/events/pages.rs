//! A page of events for a list request (the event list, a company's or a speaker's events),
//! and the expansion of events with their parts.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse};

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::params::{EventListParams, Expand};
use super::types::*;
use crate::auth::Caller;
use crate::http::pagination::after_time;
use crate::http::{ApiError, Cursor, Page};
use coop_domain::events::EventSort;
use coop_store::event_parts::PartTable;
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

/// The events with the parts `expand` asks for: one query per expanded part (two for speakers
/// and participants, whose people and companies come in one more batch), whatever the number
/// of events and parts.
pub async fn expand_events(
    conn: &mut AsyncPgConnection,
    rows: Vec<EventRow>,
    expand: Expand,
) -> Result<Vec<EventView>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    // The part queries are independent: polled together they are pipelined on the one
    // connection (sent back to back, answered in order) instead of waiting for each other.
    let conn: &AsyncPgConnection = conn;
    let (venues, sessions, speakers, participants) = tokio::try_join!(
        async {
            if expand.venues {
                coop_store::event_parts::venues::VenuesTable::list(
                    conn,
                    ids.clone(),
                    None,
                    None,
                    None,
                )
                .await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if expand.sessions {
                coop_store::event_parts::sessions::SessionsTable::list(
                    conn,
                    ids.clone(),
                    None,
                    None,
                    None,
                )
                .await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if expand.speakers {
                coop_store::event_parts::appearances::with_speakers(conn, ids.clone()).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if expand.participants {
                coop_store::event_parts::participants::with_companies(conn, ids.clone()).await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    let mut venues = group(venues, |v| v.event_id);
    let mut sessions = group(sessions, |s| s.event_id);
    let mut speakers = group(speakers, |a| a.appearance.event_id);
    let mut participants = group(participants, |p| p.participant.event_id);
    Ok(rows
        .into_iter()
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
        .collect())
}
