//! A changed resource as it is now, as its own `GET` shows it to the reader: the feed item's
//! `resource`. `None` when it no longer exists or the reader may no longer see it.

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
type Found = Result<Option<Box<serde_json::value::RawValue>>, ApiError>;

fn json(value: impl Serialize) -> Found {
    serde_json::value::to_raw_value(&value)
        .map(Some)
        .map_err(|_| ApiError::internal("a resource could not be serialised"))
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
            Some(row) => json(Company::from(row)),
            None => Ok(None),
        },
        ResourceType::Speaker => match speakers::find(conn, id).await.optional()? {
            Some(row) => json(Speaker::from_row(row, caller)),
            None => Ok(None),
        },
        ResourceType::Event => match events::find_visible(conn, caller, id).await? {
            Some(row) => json(EventView::plain(row)),
            None => Ok(None),
        },
        ResourceType::EventVenue => part::<Venues>(conn, caller, parent, id).await,
        ResourceType::EventSession => part::<Sessions>(conn, caller, parent, id).await,
        ResourceType::EventSpeaker => part::<Appearances>(conn, caller, parent, id).await,
        ResourceType::EventParticipant => part::<Participants>(conn, caller, parent, id).await,
        ResourceType::CooperationOffer => {
            let today = today();
            match offers::find_visible(conn, caller, id, today).await? {
                Some(row) => json(Offer::from_row(row, today)),
                None => Ok(None),
            }
        }
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
