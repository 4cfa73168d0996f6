//! Appearances as stored, and their queries.

use std::future::Future;

use chrono::{DateTime, Utc};
use coop_domain::events::SpeakerRole;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::PartTable;
use crate::schema::{event_speakers, speakers};

/// A speaker's appearance at an event.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = event_speakers)]
#[schema(example = json!({
    "id": "0190f5c4-9d33-7e4f-b2c3-000000000021",
    "event_id": "0190f5c4-9d33-7e4f-b2c3-d4e5f6071829",
    "speaker_id": "0190f5c4-7b11-7a2e-9f0a-5d3c2b1a0f9e",
    "session_id": null,
    "role": "moderator",
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-26T06:17:12.123456Z"
}))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct Appearance {
    pub id: Uuid,
    #[diesel(skip_update)]
    pub event_id: Uuid,
    pub speaker_id: Uuid,
    /// The session of this event, or null for the event as a whole.
    pub session_id: Option<Uuid>,
    pub role: SpeakerRole,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The speaker of an appearance, as embedded by `expand=speakers`.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = speakers)]
pub struct SpeakerSummary {
    pub id: Uuid,
    pub full_name: String,
    pub native_name: Option<String>,
    pub position: Option<String>,
    pub company_id: Option<Uuid>,
}

/// An appearance with its speaker's name and position.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppearanceView {
    #[serde(flatten)]
    pub appearance: Appearance,
    pub speaker: SpeakerSummary,
}

/// The `event_speakers` table.
pub struct AppearancesTable;

impl PartTable for AppearancesTable {
    type Row = Appearance;

    part_queries!(event_speakers, Appearance, created_at);
}

/// The appearances of the events with their speakers, in one joined query.
pub async fn with_speakers(
    mut conn: &AsyncPgConnection,
    event_ids: Vec<Uuid>,
) -> QueryResult<Vec<AppearanceView>> {
    let query = event_speakers::table
        .inner_join(speakers::table)
        .select((Appearance::as_select(), SpeakerSummary::as_select()))
        .order((event_speakers::created_at.asc(), event_speakers::id.asc()))
        .into_boxed();
    let rows: Vec<(Appearance, SpeakerSummary)> = query
        .filter(super::of_events(event_speakers::event_id, event_ids))
        .load(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(appearance, speaker)| AppearanceView {
            appearance,
            speaker,
        })
        .collect())
}
