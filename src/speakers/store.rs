//! Speaker queries.

use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::types::{SpeakerFilter, SpeakerRow};
use coop_domain::listing::NameListing;
use coop_store::schema::{event_speakers, speakers};

pub async fn insert(conn: &mut AsyncPgConnection, row: &SpeakerRow) -> QueryResult<SpeakerRow> {
    diesel::insert_into(speakers::table)
        .values(row)
        .returning(SpeakerRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<SpeakerRow> {
    speakers::table
        .find(id)
        .select(SpeakerRow::as_select())
        .first(conn)
        .await
}

/// Reads and locks a speaker until the end of the transaction.
pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<SpeakerRow> {
    speakers::table
        .find(id)
        .select(SpeakerRow::as_select())
        .for_update()
        .first(conn)
        .await
}

pub async fn update(conn: &mut AsyncPgConnection, row: &SpeakerRow) -> QueryResult<SpeakerRow> {
    use speakers::dsl as s;
    diesel::update(speakers::table.find(row.id))
        .set((
            s::full_name.eq(&row.full_name),
            s::native_name.eq(&row.native_name),
            s::position.eq(&row.position),
            s::company_id.eq(row.company_id),
            s::country.eq(&row.country),
            s::bio.eq(&row.bio),
            s::links.eq(&row.links),
            s::email.eq(&row.email),
            s::phone.eq(&row.phone),
            s::sort_name.eq(&row.sort_name),
            s::search_text.eq(&row.search_text),
            s::search_body.eq(&row.search_body),
            s::updated_at.eq(row.updated_at),
        ))
        .returning(SpeakerRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(speakers::table.find(id)).execute(conn).await
}

/// How many event appearances the speaker has.
pub async fn appearance_count(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<i64> {
    event_speakers::table
        .filter(event_speakers::speaker_id.eq(id))
        .count()
        .get_result(conn)
        .await
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &SpeakerFilter,
    listing: &NameListing,
) -> QueryResult<Vec<SpeakerRow>> {
    use speakers::dsl as s;
    let mut query = speakers::table.select(SpeakerRow::as_select()).into_boxed();
    if let Some(company_id) = filter.company_id {
        query = query.filter(s::company_id.eq(company_id));
    }
    if let Some(country) = &filter.country {
        query = query.filter(s::country.eq(country.clone()));
    }
    if let Some(q) = &filter.q {
        query = query.filter(coop_store::search_condition!(
            q,
            s::search_vector,
            s::search_text
        ));
    }
    coop_store::apply_name_listing!(query, listing, s::sort_name, s::created_at, s::id)
        .load(conn)
        .await
}
