//! Speaker request and response types, and their parsing into valid values.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use coop_store::speakers::{SpeakerDraft, SpeakerRow};

use crate::auth::Caller;
use crate::http::params::{self, Limit};
use crate::http::{ApiError, Cursor, Patch};
use coop_domain::external_id::{self, ExternalId};
use coop_domain::listing::NameSort;
use coop_domain::search::SearchText;
use coop_domain::text::{self, Lines};
use coop_domain::{Country, CountryCode, Errors, contact};

pub const MAX_NAME: usize = 200;
pub const MAX_POSITION: usize = 300;
pub const MAX_BIO: usize = 10_000;
pub const MAX_LINKS: usize = 10;

/// A person who speaks at events. `contact` is present only for callers allowed to see it:
/// editors, admins and the key of the speaker's own company.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0190f5c4-7b11-7a2e-9f0a-5d3c2b1a0f9e",
    "full_name": "Evgueny Dridzé",
    "native_name": "Евгений Дридзе",
    "position": "Deputy head of the Department of foreign economic and international relations of the city of Moscow",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "country": "RU",
    "bio": null,
    "links": [],
    "external_id": "speaker-17",
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-26T06:17:12.123456Z"
}))]
pub struct Speaker {
    pub id: Uuid,
    /// Full name, in Latin script where one is in use.
    pub full_name: String,
    /// The name in its native script, e.g. Cyrillic.
    pub native_name: Option<String>,
    /// Position or title.
    pub position: Option<String>,
    /// The company, administration, university... the speaker represents.
    pub company_id: Option<Uuid>,
    #[schema(value_type = Option<CountryCode>)]
    pub country: Option<String>,
    pub bio: Option<String>,
    /// Public links (profile pages, publications).
    pub links: Vec<String>,
    /// Private contact details; absent unless the caller may see them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<SpeakerContact>,
    /// The integrator's own reference for the speaker, unique within the company.
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A speaker's private contact details.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"email": "events@example.org", "phone": "+7 495 123-45-67"}))]
pub struct SpeakerContact {
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Speaker {
    /// The speaker as `caller` may see it.
    pub fn from_row(row: SpeakerRow, caller: &Caller) -> Speaker {
        let contact = caller
            .sees_private_of(row.company_id)
            .then_some(SpeakerContact {
                email: row.email,
                phone: row.phone,
            });
        Speaker {
            id: row.id,
            full_name: row.full_name,
            native_name: row.native_name,
            position: row.position,
            company_id: row.company_id,
            country: row.country,
            bio: row.bio,
            links: row.links,
            contact,
            external_id: row.external_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A new speaker.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "full_name": "Lidia Soutormina",
    "native_name": "Лидия Сутормина",
    "position": "Events director, CCI France Russie",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "country": "RU",
    "links": ["https://www.ccifr.ru/"],
    "email": "events@example.org"
}))]
pub struct CreateSpeaker {
    /// One line of at most 200 characters with at least one visible character.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub full_name: String,
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub native_name: Option<String>,
    #[schema(max_length = 300, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub position: Option<String>,
    /// An existing company (422 otherwise).
    pub company_id: Option<Uuid>,
    #[schema(value_type = Option<CountryCode>)]
    pub country: Option<String>,
    #[schema(
        max_length = 10000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub bio: Option<String>,
    /// Absolute http(s) URLs, at most 10.
    #[serde(default)]
    #[schema(max_items = 10, inline)]
    pub links: Vec<Link>,
    /// Private: shown (in `contact`) only to editors, admins and the key of the speaker's
    /// company.
    #[schema(
        max_length = 254,
        pattern = r"^[^@\s\u0000-\u001f\u007f-\u009f]+@[^@\s\u0000-\u001f\u007f-\u009f]+\.[^@\s\u0000-\u001f\u007f-\u009f]+$"
    )]
    pub email: Option<String>,
    /// Private, like `email`.
    #[schema(pattern = r"^\+?[0-9][0-9 ().-]{2,31}$")]
    pub phone: Option<String>,
    /// The integrator's own reference for the speaker, unique within the company (or among
    /// speakers without one; a second speaker with it is a 409);
    /// `PUT /api/v1/speakers/by-external-id/{external_id}` creates or replaces by it.
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Option<String>,
}

/// An absolute http(s) URL.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, max_length = 2048, pattern = r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?([/?#][^\u0000-\u0020\u007f-\u009f]*)?$")]
pub struct Link(pub String);

/// A JSON merge patch of a speaker: absent fields stay, `null` clears an optional field;
/// `full_name` cannot be cleared.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"position": "Events director", "email": null}))]
pub struct UpdateSpeaker {
    #[serde(default)]
    #[schema(value_type = Option<String>, nullable = false, required = false, min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$")]
    pub full_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub native_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 300, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub position: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub company_id: Patch<Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<CountryCode>)]
    pub country: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 10000, pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$")]
    pub bio: Patch<String>,
    /// Replaces the whole list; `null` empties it.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Link>>, max_items = 10)]
    pub links: Patch<Vec<Link>>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 254, pattern = r"^[^@\s\u0000-\u001f\u007f-\u009f]+@[^@\s\u0000-\u001f\u007f-\u009f]+\.[^@\s\u0000-\u001f\u007f-\u009f]+$")]
    pub email: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^\+?[0-9][0-9 ().-]{2,31}$")]
    pub phone: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Patch<String>,
}

impl UpdateSpeaker {
    /// The full new state: the patch applied to the stored speaker.
    pub fn apply(self, current: SpeakerRow, errors: &mut Errors) -> CreateSpeaker {
        CreateSpeaker {
            full_name: self
                .full_name
                .required(errors, "full_name", current.full_name),
            native_name: self.native_name.apply_to(current.native_name),
            position: self.position.apply_to(current.position),
            company_id: self.company_id.apply_to(current.company_id),
            country: self.country.apply_to(current.country),
            bio: self.bio.apply_to(current.bio),
            links: self
                .links
                .apply_to(Some(current.links.into_iter().map(Link).collect()))
                .unwrap_or_default(),
            email: self.email.apply_to(current.email),
            phone: self.phone.apply_to(current.phone),
            external_id: self.external_id.apply_to(current.external_id),
        }
    }
}

impl CreateSpeaker {
    pub fn parse(self, mut errors: Errors) -> Result<SpeakerDraft, ApiError> {
        let full_name = text::required(&mut errors, "full_name", &self.full_name, MAX_NAME);
        let native_name = text::optional(
            &mut errors,
            "native_name",
            self.native_name.as_deref(),
            MAX_NAME,
            Lines::One,
        );
        let position = text::optional(
            &mut errors,
            "position",
            self.position.as_deref(),
            MAX_POSITION,
            Lines::One,
        );
        let country = match self.country.as_deref() {
            Some(raw) => errors.check("country", Country::parse(raw)),
            None => None,
        };
        let bio = text::optional(
            &mut errors,
            "bio",
            self.bio.as_deref(),
            MAX_BIO,
            Lines::Many,
        );
        let mut links = Vec::new();
        if self.links.len() > MAX_LINKS {
            errors.add("links", format!("must hold at most {MAX_LINKS} links"));
        } else {
            for (i, link) in self.links.iter().enumerate() {
                if let Some(url) = text::web_url(&mut errors, &format!("links[{i}]"), Some(&link.0))
                {
                    links.push(url);
                }
            }
        }
        let email = contact::email(&mut errors, "email", self.email.as_deref());
        let phone = contact::phone(&mut errors, "phone", self.phone.as_deref());
        let external_id = self
            .external_id
            .as_deref()
            .and_then(|id| errors.check("external_id", external_id::parse(id)));
        errors.finish()?;
        Ok(SpeakerDraft {
            full_name: full_name.unwrap_or_default(),
            native_name,
            position,
            company_id: self.company_id,
            country,
            bio,
            links,
            email,
            phone,
            external_id,
        })
    }
}

/// Query parameters of `GET /api/v1/speakers`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpeakerListParams {
    /// Only speakers affiliated with this company.
    #[serde(default, deserialize_with = "params::id")]
    pub company_id: Option<Uuid>,
    /// Only speakers from this country.
    #[serde(default, deserialize_with = "params::country")]
    #[param(value_type = Option<CountryCode>, inline)]
    pub country: Option<String>,
    /// Words to find in the full and native names, position and bio: each must match, in French,
    /// English or Russian word forms, ignoring case, accents and script (`dridze` and `Дридзе`
    /// find `Evgueny Dridzé`); names also match with a typo (`Evgeni Dridze`).
    #[serde(default, deserialize_with = "params::search_text")]
    #[param(value_type = Option<String>, example = "dridze", max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub q: Option<SearchText>,
    /// Only the speaker(s) with this external id (one per company).
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
    pub sort: Option<NameSort>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

/// Query parameters of `GET /api/v1/companies/{id}/speakers`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompanySpeakerParams {
    /// Words to find, as on `GET /api/v1/speakers`.
    #[serde(default, deserialize_with = "params::search_text")]
    #[param(value_type = Option<String>, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub q: Option<SearchText>,
    /// Only those changed at or after this time (RFC 3339): with `sort=updated_at`, what a
    /// nightly sync reads. `updated_at` is when a write began, not when it committed: start
    /// from a few seconds before the last run, or follow `GET /api/v1/changes`, which never
    /// skips a change.
    #[serde(default, deserialize_with = "params::timestamp")]
    #[param(example = "2019-11-14T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub sort: Option<NameSort>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

impl CompanySpeakerParams {
    pub fn for_company(self, company_id: Uuid) -> SpeakerListParams {
        SpeakerListParams {
            company_id: Some(company_id),
            q: self.q,
            updated_since: self.updated_since,
            sort: self.sort,
            limit: self.limit,
            cursor: self.cursor,
            ..SpeakerListParams::default()
        }
    }
}

/// Query parameters of `GET /api/v1/speakers/export`: the list's filters and sort, and the format.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct SpeakerExportParams(pub SpeakerListParams);

impl IntoParams for SpeakerExportParams {
    fn into_params(
        parameter_in: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let mut all = SpeakerListParams::into_params(parameter_in);
        all.retain(|p| p.name != "limit" && p.name != "cursor");
        all.push(crate::exports::format_param());
        all
    }
}
