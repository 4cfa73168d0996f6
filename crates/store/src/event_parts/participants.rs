//! Participants as stored, and their queries.

use std::future::Future;

use chrono::{DateTime, Utc};
use coop_domain::companies::CompanyKind;
use coop_domain::events::ParticipantRole;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::PartTable;
use crate::schema::{companies, event_participants};

/// A company's participation in an event.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = event_participants)]
#[schema(example = json!({
    "id": "0190f5c4-9d33-7e4f-b2c3-000000000021",
    "event_id": "0190f5c4-9d33-7e4f-b2c3-d4e5f6071829",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "role": "co_organizer",
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-26T06:17:12.123456Z"
}))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct Participant {
    pub id: Uuid,
    #[diesel(skip_update)]
    pub event_id: Uuid,
    pub company_id: Uuid,
    pub role: ParticipantRole,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The company of a participation, as embedded by `expand=participants`.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = companies)]
pub struct CompanySummary {
    pub id: Uuid,
    pub name: String,
    pub native_name: Option<String>,
    pub kind: CompanyKind,
    #[schema(value_type = coop_domain::CountryCode)]
    pub country: String,
}

/// A participation with its company's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    #[serde(flatten)]
    pub participant: Participant,
    pub company: CompanySummary,
}

/// The `event_participants` table.
pub struct ParticipantsTable;

impl PartTable for ParticipantsTable {
    type Row = Participant;

    part_queries!(event_participants, Participant, created_at);
}

/// The participations in the events with their companies, in one joined query.
pub async fn with_companies(
    mut conn: &AsyncPgConnection,
    event_ids: Vec<Uuid>,
) -> QueryResult<Vec<ParticipantView>> {
    let query = event_participants::table
        .inner_join(companies::table)
        .select((Participant::as_select(), CompanySummary::as_select()))
        .order((
            event_participants::created_at.asc(),
            event_participants::id.asc(),
        ))
        .into_boxed();
    let rows: Vec<(Participant, CompanySummary)> = query
        .filter(super::of_events(event_participants::event_id, event_ids))
        .load(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(participant, company)| ParticipantView {
            participant,
            company,
        })
        .collect())
}
