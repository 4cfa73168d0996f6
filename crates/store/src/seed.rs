//! Rows loaded as a fixed dataset (the demo): each inserted unless a row with its key exists,
//! so loading twice creates nothing new.

use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::companies::CompanyRow;
use crate::event_parts::appearances::Appearance;
use crate::event_parts::participants::Participant;
use crate::event_parts::sessions::Session;
use crate::event_parts::venues::Venue;
use crate::events::EventRow;
use crate::offers::OfferRow;
use crate::schema::{
    companies, cooperation_offers, event_participants, event_sessions, event_speakers,
    event_venues, events, speakers,
};
use crate::speakers::SpeakerRow;

/// Rows of one table.
pub enum Rows<'a> {
    Companies(&'a [CompanyRow]),
    Speakers(&'a [SpeakerRow]),
    Events(&'a [EventRow]),
    Venues(&'a [Venue]),
    Sessions(&'a [Session]),
    Appearances(&'a [Appearance]),
    Participants(&'a [Participant]),
    Offers(&'a [OfferRow]),
}

/// Inserts the rows whose key is not taken yet; returns how many were inserted.
pub async fn insert_absent(conn: &mut AsyncPgConnection, rows: Rows<'_>) -> QueryResult<usize> {
    match rows {
        Rows::Companies(rows) => {
            let rows: Vec<_> = rows
                .iter()
                .map(|row| (row, crate::companies::search_columns(row)))
                .collect();
            diesel::insert_into(companies::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        }
        Rows::Speakers(rows) => {
            let rows: Vec<_> = rows
                .iter()
                .map(|row| (row, crate::speakers::search_columns(row)))
                .collect();
            diesel::insert_into(speakers::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        }
        Rows::Events(rows) => {
            let rows: Vec<_> = rows
                .iter()
                .map(|row| (row, crate::events::search_columns(row)))
                .collect();
            diesel::insert_into(events::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        }
        Rows::Venues(rows) => {
            diesel::insert_into(event_venues::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        }
        Rows::Sessions(rows) => {
            diesel::insert_into(event_sessions::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        }
        Rows::Appearances(rows) => {
            diesel::insert_into(event_speakers::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        }
        Rows::Participants(rows) => {
            diesel::insert_into(event_participants::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        }
        Rows::Offers(rows) => {
            let rows: Vec<_> = rows
                .iter()
                .map(|row| (row, crate::offers::search_columns(row)))
                .collect();
            diesel::insert_into(cooperation_offers::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(conn)
                .await
        }
    }
}
