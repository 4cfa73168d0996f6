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

/// The table's columns but those derived from the others: the folded texts, which the
/// store's writes derive from the row, and the vectors generated from them, which only search
/// reads; the item, which a trigger renders from the row and only the lists read (their tests
/// compare it with the row's own representation). No row reads them.
fn stored<Q: QueryFragment<Pg>>(query: Q) -> BTreeSet<String> {
    selected(query)
        .into_iter()
        .filter(|column| {
            !column.ends_with("_vector")
                && column != "search_text"
                && column != "search_body"
                && column != "item"
        })
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
    /// The table's stored columns and the row's, side by side.
    macro_rules! columns {
        ($table:ident, $row:ty) => {
            (
                stored($table::table.select($table::all_columns)),
                selected($table::table.select(<$row>::as_select())),
            )
        };
    }
    let pairs = [
        columns!(companies, CompanyRow),
        columns!(speakers, SpeakerRow),
        columns!(events, EventRow),
        columns!(event_venues, Venue),
        columns!(event_sessions, Session),
        columns!(event_speakers, Appearance),
        columns!(event_participants, Participant),
        columns!(cooperation_offers, OfferRow),
        columns!(cooperation_interests, InterestRow),
        columns!(api_keys, ApiKeyRow),
        columns!(changes, crate::changes::ChangeRow),
    ];
    for (table, row) in pairs {
        assert!(!table.is_empty());
        assert_eq!(table, row);
    }
}

/// The hand-written statements as PostgreSQL receives them, one snapshot file each under
/// `sql/snapshots/`: a reviewer reads there the SQL that runs, and a change to a `.sql` file
/// or to what fills a template shows in the diff. `UPDATE_SNAPSHOTS=1 cargo test` rewrites
/// them.
#[test]
fn the_hand_written_statements_match_their_snapshots() {
    use crate::db::prepared::Sql;
    let search = &*crate::search::SQL;
    let statements: [(&str, &Sql); 8] = [
        ("search_companies", &search[0]),
        ("search_speakers", &search[1]),
        ("search_events", &search[2]),
        ("search_cooperation_offers", &search[3]),
        ("offer_matches", &crate::matches::OFFER_MATCHES),
        ("company_matches", &crate::matches::COMPANY_MATCHES),
        ("claim_webhooks", &crate::webhooks::CLAIM_WEBHOOKS),
        ("backlog", &crate::backlog::BACKLOG),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sql/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for (name, sql) in statements {
        let path = dir.join(format!("{name}.snap"));
        let sent = sql.as_sent();
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &sent).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(sent.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots differ from the statements: {stale:?}; review and run UPDATE_SNAPSHOTS=1 cargo test"
    );
}

/// The match statements and the list functions read an offer row by naming its columns (`m.*`
/// would also carry the search texts and vectors): they must be exactly the row's.
#[test]
fn the_match_statements_and_the_list_functions_select_every_column_of_an_offer_row() {
    let row = selected(cooperation_offers::table.select(crate::offers::OfferRow::as_select()));
    // As PostgreSQL prints the functions after every migration.
    let current = include_str!("../../../migrations/current.sql");
    for function in [
        "cooperation_offers_in_market",
        "cooperation_offers_in_sector",
        "cooperation_offers_from_country",
    ] {
        let returned: BTreeSet<String> = current
            .split(&format!("FUNCTION public.{function}("))
            .nth(1)
            .and_then(|f| f.split(" RETURNS TABLE(").nth(1))
            .and_then(|f| f.split(")\n").next())
            .unwrap_or_default()
            .split(", ")
            .filter_map(|column| column.split(' ').next())
            .map(str::to_string)
            .collect();
        assert_eq!(returned, row, "{function} returns other columns");
    }
    for sql in [
        include_str!("../sql/offer_matches.sql"),
        include_str!("../sql/company_matches.sql"),
    ] {
        let last_select = sql.rsplit("\nSELECT ").next().unwrap_or_default();
        let columns: BTreeSet<String> = last_select
            .split(',')
            .map(str::trim)
            .filter_map(|c| c.strip_prefix("m."))
            .map(str::to_string)
            .collect();
        assert_eq!(columns, row);
    }
}
