//! The query parameters of the event reads: `expand` on one event, and the filters of the
//! event lists (all events, a company's, a speaker's).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};

use crate::http::Cursor;
use crate::http::params::{self, Limit};
use coop_domain::CountryCode;
use coop_domain::events::{EventFormat, EventKind, EventSort, EventStatus};
use coop_domain::external_id::ExternalId;
use coop_domain::search::SearchText;
use coop_domain::sectors::SectorCode;

/// The parts `expand` can embed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expand {
    pub venues: bool,
    pub sessions: bool,
    pub speakers: bool,
    pub participants: bool,
}

impl Expand {
    /// Whether nothing is to be expanded: the event alone.
    pub fn is_empty(self) -> bool {
        let Expand {
            venues,
            sessions,
            speakers,
            participants,
        } = self;
        !(venues || sessions || speakers || participants)
    }

    /// Parses `venues,sessions,speakers,participants` in any order and subset.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut expand = Expand::default();
        // Exactly the documented form (EXPAND_PATTERN): names separated by single commas.
        for part in raw.split(',').filter(|_| !raw.is_empty()) {
            match part {
                "venues" => expand.venues = true,
                "sessions" => expand.sessions = true,
                "speakers" => expand.speakers = true,
                "participants" => expand.participants = true,
                other => {
                    return Err(format!(
                        "`{other}` cannot be expanded; use venues, sessions, speakers, participants"
                    ));
                }
            }
        }
        Ok(expand)
    }

    pub fn any(&self) -> bool {
        self.venues || self.sessions || self.speakers || self.participants
    }
}

impl<'de> Deserialize<'de> for Expand {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Expand::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The `expand` parameter's documented form.
pub const EXPAND_PATTERN: &str =
    r"^((venues|sessions|speakers|participants)(,(venues|sessions|speakers|participants))*)?$";

/// Query parameters of `GET /api/v1/events/{id}`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventGetParams {
    /// Parts to embed, comma-separated: `venues`, `sessions`, `speakers`, `participants`.
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = r"^((venues|sessions|speakers|participants)(,(venues|sessions|speakers|participants))*)?$", example = "venues,sessions,speakers,participants")]
    pub expand: Expand,
}

/// Query parameters of `GET /api/v1/events`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListParams {
    /// Only events still running at or after this time.
    #[serde(default, deserialize_with = "params::timestamp")]
    pub from: Option<DateTime<Utc>>,
    /// Only events that start before this time.
    #[serde(default, deserialize_with = "params::timestamp")]
    pub to: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub kind: Option<EventKind>,
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub format: Option<EventFormat>,
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub status: Option<EventStatus>,
    /// Only events with a venue in this country.
    #[serde(default, deserialize_with = "params::country")]
    #[param(value_type = Option<CountryCode>, inline)]
    pub country: Option<String>,
    /// Only events with a venue in this city (case-insensitive).
    #[serde(default, deserialize_with = "params::short_text")]
    #[param(value_type = Option<String>, max_length = 100, example = "Paris", pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub city: Option<String>,
    // A code of the sector catalogue, which is data: checked against it once parsed.
    #[serde(default)]
    #[param(value_type = Option<SectorCode>, inline)]
    pub sector: Option<String>,
    /// Words to find in the title and description: each must match, in French, English or
    /// Russian word forms, ignoring case, accents and script.
    #[serde(default, deserialize_with = "params::search_text")]
    #[param(value_type = Option<String>, max_length = 200, example = "moscou", pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub q: Option<SearchText>,
    /// Parts to embed in each event, as on `GET /api/v1/events/{id}`.
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = r"^((venues|sessions|speakers|participants)(,(venues|sessions|speakers|participants))*)?$")]
    pub expand: Expand,
    /// Only the event with this external id.
    #[serde(default, deserialize_with = "params::external_id")]
    #[param(value_type = Option<ExternalId>, inline)]
    pub external_id: Option<String>,
    /// Only those changed at or after this time (RFC 3339): with `sort=updated_at`, what a
    /// nightly sync reads. `updated_at` is when a write began, not when it committed: start
    /// from a few seconds before the last run, or follow `GET /api/v1/changes`, which never
    /// skips a change.
    #[serde(default, deserialize_with = "params::timestamp")]
    #[param(example = "2019-11-14T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub sort: Option<EventSort>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

/// Query parameters of `GET /api/v1/events/calendar.ics`: the filters of the event list.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct EventCalendarParams(pub EventListParams);

impl IntoParams for EventCalendarParams {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let filters = [
            "from",
            "to",
            "kind",
            "format",
            "status",
            "country",
            "city",
            "sector",
            "q",
            "external_id",
            "updated_since",
        ];
        params::only(EventListParams::into_params(parameter_in), &filters)
    }
}

/// Query parameters of `GET /api/v1/events/export`: the list's filters and sort, and the format.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct EventExportParams(pub EventListParams);

impl IntoParams for EventExportParams {
    fn into_params(
        parameter_in: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let mut all = EventListParams::into_params(parameter_in);
        all.retain(|p| !["limit", "cursor", "expand"].contains(&p.name.as_str()));
        all.push(crate::exports::format_param());
        all
    }
}
