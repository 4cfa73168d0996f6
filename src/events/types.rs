//! Event request and response types and their parsing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::{ApiError, Patch};
use coop_domain::Errors;
use coop_domain::events::{EventFormat, EventKind, EventStatus};
use coop_domain::external_id::{self, ExternalId};
use coop_domain::language::{self, LanguageCode};
use coop_domain::sectors::SectorCode;
use coop_domain::text::{self, Lines};
use coop_domain::timezone::{self, TimeZoneName};
use coop_store::event_parts::appearances::AppearanceView;
use coop_store::event_parts::participants::ParticipantView;
use coop_store::event_parts::sessions::Session;
use coop_store::event_parts::venues::Venue;
use coop_store::events::EventRow;
use coop_store::sectors::SectorCatalog;

pub const MAX_TITLE: usize = 300;
pub const MAX_DESCRIPTION: usize = 10_000;
pub const MAX_LANGUAGES: usize = 10;

/// A business-cooperation event: a conference, a teleconference linking halls in several
/// cities, a forum, B2B meetings...
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0190f5c4-9d33-7e4f-b2c3-d4e5f6071829",
    "title": "Moscou : solutions numériques pour la ville et les entreprises",
    "description": "Four-hour Moscow–Paris teleconference on digital solutions for the city and business.",
    "kind": "teleconference",
    "format": "hybrid",
    "status": "completed",
    "starts_at": "2019-11-14T10:00:00Z",
    "ends_at": "2019-11-14T14:00:00Z",
    "timezone": "Europe/Moscow",
    "languages": ["ru", "fr"],
    "sectors": ["smart-city", "it", "healthcare"],
    "external_id": "cci-2019-11-14",
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-26T06:17:12.123456Z"
}))]
pub struct Event {
    pub id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub kind: EventKind,
    pub format: EventFormat,
    pub status: EventStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The organiser's time zone, for displaying local times.
    #[schema(value_type = TimeZoneName)]
    pub timezone: String,
    #[schema(value_type = Vec<LanguageCode>)]
    pub languages: Vec<String>,
    #[schema(value_type = Vec<SectorCode>)]
    pub sectors: Vec<String>,
    /// The integrator's own reference for the event, unique across the platform.
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An event with the parts asked for in `expand`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    /// Present with `expand=venues`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venues: Option<Vec<Venue>>,
    /// Present with `expand=sessions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<Vec<Session>>,
    /// Present with `expand=speakers`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speakers: Option<Vec<AppearanceView>>,
    /// Present with `expand=participants`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<ParticipantView>>,
}

impl From<EventRow> for Event {
    fn from(r: EventRow) -> Self {
        Event {
            id: r.id,
            title: r.title,
            description: r.description,
            kind: r.kind,
            format: r.format,
            status: r.status,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            timezone: r.timezone,
            languages: r.languages,
            sectors: r.sectors,
            external_id: r.external_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A new event.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Moscou : solutions numériques pour la ville et les entreprises",
    "kind": "teleconference",
    "format": "hybrid",
    "status": "scheduled",
    "starts_at": "2019-11-14T10:00:00Z",
    "ends_at": "2019-11-14T14:00:00Z",
    "timezone": "Europe/Moscow",
    "languages": ["ru", "fr"],
    "sectors": ["smart-city", "it"]
}))]
pub struct CreateEvent {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: String,
    #[schema(
        max_length = 10000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub description: Option<String>,
    pub kind: EventKind,
    pub format: EventFormat,
    /// Default `draft`.
    pub status: Option<EventStatus>,
    pub starts_at: DateTime<Utc>,
    /// After `starts_at` (422 otherwise).
    pub ends_at: DateTime<Utc>,
    #[schema(value_type = TimeZoneName)]
    pub timezone: String,
    #[serde(default)]
    #[schema(value_type = Vec<LanguageCode>, max_items = 10)]
    pub languages: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Vec<SectorCode>, max_items = 10)]
    pub sectors: Vec<String>,
    /// The integrator's own reference for the event, unique across the platform (a second
    /// event with it is a 409); `PUT /api/v1/events/by-external-id/{external_id}` creates or
    /// replaces the event by it.
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Option<String>,
}

/// A JSON merge patch of an event; `title`, `kind`, `format`, `status`, `starts_at`, `ends_at`
/// and `timezone` cannot be cleared.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "completed"}))]
pub struct UpdateEvent {
    #[serde(default)]
    #[schema(value_type = Option<String>, nullable = false, required = false, min_length = 1, max_length = 300, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$")]
    pub title: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 10000, pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$")]
    pub description: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<EventKind>, nullable = false, required = false)]
    pub kind: Patch<EventKind>,
    #[serde(default)]
    #[schema(value_type = Option<EventFormat>, nullable = false, required = false)]
    pub format: Patch<EventFormat>,
    #[serde(default)]
    #[schema(value_type = Option<EventStatus>, nullable = false, required = false)]
    pub status: Patch<EventStatus>,
    #[serde(default)]
    #[schema(value_type = Option<DateTime<Utc>>, nullable = false, required = false)]
    pub starts_at: Patch<DateTime<Utc>>,
    #[serde(default)]
    #[schema(value_type = Option<DateTime<Utc>>, nullable = false, required = false)]
    pub ends_at: Patch<DateTime<Utc>>,
    #[serde(default)]
    #[schema(value_type = Option<TimeZoneName>, nullable = false, required = false)]
    pub timezone: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<LanguageCode>>, max_items = 10)]
    pub languages: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<SectorCode>>, max_items = 10)]
    pub sectors: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Patch<String>,
}

impl UpdateEvent {
    pub fn apply(self, c: EventRow, errors: &mut Errors) -> CreateEvent {
        CreateEvent {
            title: self.title.required(errors, "title", c.title),
            description: self.description.apply_to(c.description),
            kind: self.kind.required(errors, "kind", c.kind),
            format: self.format.required(errors, "format", c.format),
            status: Some(self.status.required(errors, "status", c.status)),
            starts_at: self.starts_at.required(errors, "starts_at", c.starts_at),
            ends_at: self.ends_at.required(errors, "ends_at", c.ends_at),
            timezone: self.timezone.required(errors, "timezone", c.timezone),
            languages: self
                .languages
                .apply_to(Some(c.languages))
                .unwrap_or_default(),
            sectors: self.sectors.apply_to(Some(c.sectors)).unwrap_or_default(),
            external_id: self.external_id.apply_to(c.external_id),
        }
    }
}

/// A valid event, ready to store.
#[derive(Debug, Clone)]
pub struct EventDraft(CreateEvent);

/// Checks that a time window is not empty; the error goes on `ends_at`.
pub fn check_window(errors: &mut Errors, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) {
    if ends_at <= starts_at {
        errors.add("ends_at", "must be after starts_at");
    }
}

/// A list of language codes: valid, at most [`MAX_LANGUAGES`], duplicates dropped.
pub fn parse_languages(errors: &mut Errors, field: &str, raw: Vec<String>) -> Vec<String> {
    if raw.len() > MAX_LANGUAGES {
        errors.add(
            field,
            format!("must hold at most {MAX_LANGUAGES} languages"),
        );
        return Vec::new();
    }
    let mut languages: Vec<String> = Vec::new();
    for (i, code) in raw.into_iter().enumerate() {
        match language::parse(&code) {
            Ok(code) if !languages.contains(&code) => languages.push(code),
            Ok(_) => {}
            Err(m) => errors.add(format!("{field}[{i}]"), m),
        }
    }
    languages
}

impl CreateEvent {
    pub fn parse(
        self,
        catalog: &SectorCatalog,
        mut errors: Errors,
    ) -> Result<EventDraft, ApiError> {
        let title = text::required(&mut errors, "title", &self.title, MAX_TITLE);
        let description = text::optional(
            &mut errors,
            "description",
            self.description.as_deref(),
            MAX_DESCRIPTION,
            Lines::Many,
        );
        check_window(&mut errors, self.starts_at, self.ends_at);
        let timezone = errors.check("timezone", timezone::parse(&self.timezone));
        let languages = parse_languages(&mut errors, "languages", self.languages);
        let sectors = catalog.parse_list(&mut errors, "sectors", self.sectors);
        let external_id = self
            .external_id
            .as_deref()
            .and_then(|id| errors.check("external_id", external_id::parse(id)));
        errors.finish()?;
        Ok(EventDraft(CreateEvent {
            title: title.unwrap_or_default(),
            description,
            timezone: timezone.unwrap_or_default(),
            languages,
            sectors,
            external_id,
            ..self
        }))
    }
}

impl EventDraft {
    pub fn window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.0.starts_at, self.0.ends_at)
    }

    pub fn into_row(
        self,
        id: Uuid,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> EventRow {
        let e = self.0;
        EventRow {
            id,
            title: e.title,
            description: e.description,
            kind: e.kind,
            format: e.format,
            status: e.status.unwrap_or(EventStatus::Draft),
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            timezone: e.timezone,
            languages: e.languages,
            sectors: e.sectors,
            created_at,
            updated_at,
            external_id: e.external_id,
        }
    }
}
