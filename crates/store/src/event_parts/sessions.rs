//! Sessions as stored, and their queries.

use std::future::Future;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::PartTable;
use crate::schema::event_sessions;

/// An agenda block.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = event_sessions)]
#[schema(example = json!({
    "id": "0190f5c4-9d33-7e4f-b2c3-000000000011",
    "event_id": "0190f5c4-9d33-7e4f-b2c3-d4e5f6071829",
    "venue_id": null,
    "title": "Startups from Moscow and France",
    "description": "Interact Software, Cargo.Tech, izi.travel, TopFranchise.ru, SkoroDA, VR-Expo, AIR-ZETTA, ExoAtlet, LEONARDA-SERVICE.",
    "starts_at": "2019-11-14T12:00:00Z",
    "ends_at": "2019-11-14T13:00:00Z",
    "position": 5,
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-26T06:17:12.123456Z"
}))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct Session {
    pub id: Uuid,
    #[diesel(skip_update)]
    pub event_id: Uuid,
    /// A venue of the same event, or null when the session spans all sites.
    pub venue_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Display order of the block in the agenda, as the organiser numbers it.
    pub position: i32,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The `event_sessions` table.
pub struct SessionsTable;

impl PartTable for SessionsTable {
    type Row = Session;

    part_queries!(event_sessions, Session, starts_at);
}
