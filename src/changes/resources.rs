//! A changed resource as it is now, as its own `GET` shows it to the reader: the feed item's
//! `resource`. `None` when it no longer exists or the reader may no longer see it.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::OptionalExtension;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Caller;
use crate::companies::types::Company;
use crate::events::parts::Part;
use crate::events::parts::{
    appearances::Appearances, participants::Participants, sessions::Sessions, venues::Venues,
};
use crate::events::types::EventView;
use crate::http::ApiError;
use crate::interests::types::Interest;
use crate::offers::types::Offer;
use crate::speakers::types::Speaker;
use coop_domain::changes::ResourceType;
use coop_domain::interests::Side;
use coop_domain::offers::today;
use coop_store::event_parts::PartTable;
use coop_store::{companies, events, interests, offers, speakers};

/// The representation as JSON text: a feed page holds up to 100 of them, and a tree of
/// `serde_json::Value`s takes several times the memory of the text.
type Found = Result<Representation, ApiError>;

/// A resource's JSON text, `None` when it is gone or hidden from the reader.
type Representation = Option<Box<serde_json::value::RawValue>>;

fn json(value: impl Serialize) -> Found {
    serde_json::value::to_raw_value(&value)
        .map(Some)
        .map_err(|_| ApiError::internal("a resource could not be serialised"))
}

/// How the reader sees each top-level resource's row (`None`: hidden from them).
fn company(row: companies::CompanyRow) -> Found {
    json(Company::from(row))
}

fn speaker(row: speakers::SpeakerRow, caller: &Caller) -> Found {
    json(Speaker::from_row(row, caller))
}

fn event(row: events::EventRow, caller: &Caller) -> Found {
    if row.is_visible_to(caller) {
        json(EventView::plain(row))
    } else {
        Ok(None)
    }
}

fn offer(row: offers::OfferRow, caller: &Caller, today: NaiveDate) -> Found {
    if row.is_visible_to(caller, today) {
        json(Offer::from_row(row, today))
    } else {
        Ok(None)
    }
}

/// The companies, speakers, events and offers of a feed page, read with one query per type
/// (a page of 100 changes read them one at a time before: 100 round trips) and shaped as
/// [`current`] shapes them. Parts and interests are read one at a time.
#[derive(Default)]
pub struct Prefetched(HashMap<(ResourceType, Uuid), Representation>);

impl Prefetched {
    pub async fn read(
        conn: &mut AsyncPgConnection,
        caller: &Caller,
        wanted: impl IntoIterator<Item = (ResourceType, Uuid)>,
    ) -> Result<Prefetched, ApiError> {
        let mut ids: HashMap<ResourceType, Vec<Uuid>> = HashMap::new();
        for (resource_type, id) in wanted {
            if matches!(
                resource_type,
                ResourceType::Company
                    | ResourceType::Speaker
                    | ResourceType::Event
                    | ResourceType::CooperationOffer
            ) {
                ids.entry(resource_type).or_default().push(id);
            }
        }
        let mut found = HashMap::new();
        let today = today();
        for (resource_type, mut ids) in ids {
            ids.sort_unstable();
            ids.dedup();
            // What no longer exists is known to be absent.
            found.extend(ids.iter().map(|id| ((resource_type, *id), None)));
            let shaped = match resource_type {
                ResourceType::Company => {
                    let rows = companies::find_many(conn, &ids).await?;
                    shape(rows, |row| row.id, company)?
                }
                ResourceType::Speaker => {
                    let rows = speakers::find_many(conn, &ids).await?;
                    shape(rows, |row| row.id, |row| speaker(row, caller))?
                }
                ResourceType::Event => {
                    let rows = events::find_many(conn, &ids).await?;
                    shape(rows, |row| row.id, |row| event(row, caller))?
                }
                ResourceType::CooperationOffer => {
                    let rows = offers::find_many(conn, &ids).await?;
                    shape(rows, |row| row.id, |row| offer(row, caller, today))?
                }
                _ => Vec::new(),
            };
            found.extend(
                shaped
                    .into_iter()
                    .map(|(id, value)| ((resource_type, id), value)),
            );
        }
        Ok(Prefetched(found))
    }

    /// The resource if it was read here (`Some(None)`: absent or hidden); `None` for a type
    /// read one at a time.
    pub fn get(&self, resource_type: ResourceType, id: Uuid) -> Option<Representation> {
        self.0.get(&(resource_type, id)).cloned()
    }
}

/// Each row's id and shape.
fn shape<R>(
    rows: Vec<R>,
    id_of: impl Fn(&R) -> Uuid,
    shape_row: impl Fn(R) -> Found,
) -> Result<Vec<(Uuid, Representation)>, ApiError> {
    rows.into_iter()
        .map(|row| {
            let id = id_of(&row);
            shape_row(row).map(|value| (id, value))
        })
        .collect()
}

/// The current representation of resource `id` (of `parent`, for parts and interests).
pub async fn current(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    resource_type: ResourceType,
    id: Uuid,
    parent: Option<Uuid>,
) -> Found {
    match resource_type {
        ResourceType::Company => match companies::find(conn, id).await.optional()? {
            Some(row) => company(row),
            None => Ok(None),
        },
        ResourceType::Speaker => match speakers::find(conn, id).await.optional()? {
            Some(row) => speaker(row, caller),
            None => Ok(None),
        },
        ResourceType::Event => match events::find(conn, id).await.optional()? {
            Some(row) => event(row, caller),
            None => Ok(None),
        },
        ResourceType::EventVenue => part::<Venues>(conn, caller, parent, id).await,
        ResourceType::EventSession => part::<Sessions>(conn, caller, parent, id).await,
        ResourceType::EventSpeaker => part::<Appearances>(conn, caller, parent, id).await,
        ResourceType::EventParticipant => part::<Participants>(conn, caller, parent, id).await,
        ResourceType::CooperationOffer => match offers::find(conn, id).await.optional()? {
            Some(row) => offer(row, caller, today()),
            None => Ok(None),
        },
        ResourceType::CooperationInterest => {
            let Some(offer_id) = parent else {
                return Ok(None);
            };
            let Some(offer) = offers::find(conn, offer_id).await.optional()? else {
                return Ok(None);
            };
            let Some(row) = interests::find(conn, offer_id, id, false)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            match Side::of(caller, offer.company_id, row.company_id) {
                Side::Outsider => Ok(None),
                side => json(Interest::view(row, side)),
            }
        }
    }
}

/// A part of a visible event.
async fn part<P: Part>(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    event_id: Option<Uuid>,
    id: Uuid,
) -> Found {
    let Some(event_id) = event_id else {
        return Ok(None);
    };
    if events::find_visible(conn, caller, event_id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    match P::Table::find(conn, event_id, id, false).await.optional()? {
        Some(row) => json(P::view(row)),
        None => Ok(None),
    }
}
