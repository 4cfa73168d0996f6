//! Checks that tie the rows and the hand-written SQL to the schema.

use std::collections::BTreeSet;

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::QueryFragment;

use crate::schema::*;

/// The column names a query selects (`"table"."column"` → `column`).
pub(crate) fn selected<Q: QueryFragment<Pg>>(query: Q) -> BTreeSet<String> {
    let sql = diesel::debug_query::<Pg, _>(&query).to_string();
    let list = sql
        .strip_prefix("SELECT ")
        .and_then(|rest| rest.split(" FROM ").next())
        .unwrap_or_default();
    list.split(", ")
        .map(|column| {
            column
                .rsplit('.')
                .next()
                .unwrap_or(column)
                .trim_matches('"')
                .to_string()
        })
        .collect()
}

/// The table's columns but the generated ones (search vectors), which no row reads.
fn stored<Q: QueryFragment<Pg>>(query: Q) -> BTreeSet<String> {
    selected(query)
        .into_iter()
        .filter(|column| !column.ends_with("_vector"))
        .collect()
}

#[test]
fn every_row_reads_every_column_of_its_table() {
    use crate::companies::CompanyRow;
    use crate::event_parts::{
        appearances::Appearance, participants::Participant, sessions::Session, venues::Venue,
    };
    use crate::events::EventRow;
    use crate::interests::InterestRow;
    use crate::keys::ApiKeyRow;
    use crate::offers::OfferRow;
    use crate::speakers::SpeakerRow;
    let pairs = [
        (
            stored(companies::table.select(companies::all_columns)),
            selected(companies::table.select(CompanyRow::as_select())),
        ),
        (
            stored(speakers::table.select(speakers::all_columns)),
            selected(speakers::table.select(SpeakerRow::as_select())),
        ),
        (
            stored(events::table.select(events::all_columns)),
            selected(events::table.select(EventRow::as_select())),
        ),
        (
            stored(event_venues::table.select(event_venues::all_columns)),
            selected(event_venues::table.select(Venue::as_select())),
        ),
        (
            stored(event_sessions::table.select(event_sessions::all_columns)),
            selected(event_sessions::table.select(Session::as_select())),
        ),
        (
            stored(event_speakers::table.select(event_speakers::all_columns)),
            selected(event_speakers::table.select(Appearance::as_select())),
        ),
        (
            stored(event_participants::table.select(event_participants::all_columns)),
            selected(event_participants::table.select(Participant::as_select())),
        ),
        (
            stored(cooperation_offers::table.select(cooperation_offers::all_columns)),
            selected(cooperation_offers::table.select(OfferRow::as_select())),
        ),
        (
            stored(cooperation_interests::table.select(cooperation_interests::all_columns)),
            selected(cooperation_interests::table.select(InterestRow::as_select())),
        ),
        (
            stored(api_keys::table.select(api_keys::all_columns)),
            selected(api_keys::table.select(ApiKeyRow::as_select())),
        ),
    ];
    for (table, row) in pairs {
        assert!(!table.is_empty());
        assert_eq!(table, row);
    }
}
