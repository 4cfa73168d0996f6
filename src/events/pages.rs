//! A page of events for a list request (the event list, a company's or a speaker's events),
//! and the expansion of events with their parts.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::types::*;
use crate::auth::Caller;
use crate::http::listing::{parse_country, parse_enum_param, parse_q};
use crate::http::pagination::{after_time, parse_limit};
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
    p: EventListParams,
    scope: EventFilter,
) -> Result<HttpResponse, ApiError> {
    let limit = parse_limit(p.limit.as_deref())?;
    let expand = Expand::parse(p.expand.as_deref())?;
    let sort: EventSort = parse_enum_param("sort", p.sort.as_deref())?.unwrap_or_default();
    let sort_name: &'static str = sort.into();
    let after = after_time(p.cursor.as_deref(), sort_name)?;
    let filter = EventFilter {
        from: parse_time("from", p.from.as_deref())?,
        to: parse_time("to", p.to.as_deref())?,
        kind: parse_enum_param("kind", p.kind.as_deref())?,
        format: parse_enum_param("format", p.format.as_deref())?,
        status: parse_enum_param("status", p.status.as_deref())?,
        country: parse_country("country", p.country.as_deref())?,
        city: match p.city.as_deref() {
            Some(c) if c.chars().count() > 100 => {
                return Err(ApiError::bad_parameter(
                    "city",
                    "must be at most 100 characters long",
                ));
            }
            Some(c) => Some(c.trim().to_string()),
            None => None,
        },
        sector: p
            .sector
            .as_deref()
            .map(|s| catalog.parse_param("sector", s))
            .transpose()?,
        q: parse_q(p.q.as_deref())?,
        include_drafts: caller.is_staff(),
        ..scope
    };
    let mut rows = store::list(conn, &filter, sort, after, limit).await?;
    let next = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        rows.last()
            .map(|r| Cursor::at_time(sort_name, r.starts_at, r.id))
    });
    let items = expand_events(conn, rows, expand).await?;
    let page = Page {
        items,
        next_cursor: next.flatten().map(|c| c.encode()),
    };
    Ok(page.respond(req))
}

fn parse_time(field: &str, raw: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    raw.map(|raw| {
        DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                ApiError::bad_parameter(
                    field,
                    "must be an RFC 3339 timestamp such as 2019-11-14T10:00:00Z",
                )
            })
    })
    .transpose()
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
                coop_store::event_parts::venues::VenuesTable::list(conn, ids.clone(), None, None)
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
