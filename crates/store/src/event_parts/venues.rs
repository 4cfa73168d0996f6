//! Venues as stored, and their queries.

use std::future::Future;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::PartTable;
use crate::schema::event_venues;
use coop_domain::CountryCode;
use coop_domain::timezone::TimeZoneName;

/// A site of an event, with its attendance.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = event_venues)]
#[schema(example = json!({
    "id": "0190f5c4-9d33-7e4f-b2c3-000000000001",
    "event_id": "0190f5c4-9d33-7e4f-b2c3-d4e5f6071829",
    "name": "Aéro-Club de France",
    "address": "6 rue Galilée, 75116 Paris",
    "city": "Paris",
    "country": "FR",
    "timezone": "Europe/Paris",
    "capacity": null,
    "attendance": 60,
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-26T06:17:12.123456Z"
}))]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct Venue {
    pub id: Uuid,
    #[diesel(skip_update)]
    pub event_id: Uuid,
    pub name: String,
    pub address: Option<String>,
    pub city: String,
    #[schema(value_type = CountryCode)]
    pub country: String,
    #[schema(value_type = TimeZoneName)]
    pub timezone: String,
    /// Seats available.
    pub capacity: Option<i32>,
    /// People who attended (or are expected).
    pub attendance: Option<i32>,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The `event_venues` table.
pub struct VenuesTable;

impl PartTable for VenuesTable {
    type Row = Venue;

    part_queries!(event_venues, Venue, created_at);
}
