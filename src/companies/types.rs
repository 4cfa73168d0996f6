//! Company request and response types, and their parsing into valid domain values.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::params::{self, Limit};
use crate::http::{Cursor, Patch};
use coop_domain::companies::CompanyKind;
use coop_domain::external_id::{self, ExternalId};
use coop_domain::listing::NameSort;
use coop_domain::search::SearchText;
use coop_domain::sectors::SectorCode;
use coop_domain::text::{self, Lines};
use coop_domain::{Country, CountryCode, Errors};
use coop_store::companies::{CompanyDraft, CompanyRow};
use coop_store::sectors::SectorCatalog;

pub const MAX_NAME: usize = 200;
pub const MAX_CITY: usize = 100;
pub const MAX_DESCRIPTION: usize = 10_000;

/// An organisation: company, startup, government body, chamber of commerce, university,
/// foundation, cluster or association.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "name": "CCI France Russie",
    "native_name": "Французско-российская торгово-промышленная палата",
    "kind": "chamber_of_commerce",
    "country": "RU",
    "city": "Moscow",
    "website": "https://www.ccifr.ru/",
    "description": "Franco-Russian chamber of commerce; co-organised the Moscow–Paris teleconference on digital solutions for the city and business.",
    "sectors": ["consulting", "investment"],
    "external_id": "member-0042",
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-26T06:17:12.123456Z"
}))]
pub struct Company {
    pub id: Uuid,
    /// The usual name, in Latin script where one is in use.
    pub name: String,
    /// The name in the organisation's own language and script, e.g. Cyrillic.
    pub native_name: Option<String>,
    pub kind: CompanyKind,
    /// ISO 3166-1 alpha-2 code of the country where it is based.
    #[schema(value_type = CountryCode)]
    pub country: String,
    pub city: Option<String>,
    /// Absolute http(s) URL.
    pub website: Option<String>,
    pub description: Option<String>,
    /// Sector codes (see `GET /api/v1/sectors`).
    #[schema(value_type = Vec<SectorCode>)]
    pub sectors: Vec<String>,
    /// The integrator's own reference for the company, unique across the platform.
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CompanyRow> for Company {
    fn from(row: CompanyRow) -> Self {
        Company {
            id: row.id,
            name: row.name,
            native_name: row.native_name,
            kind: row.kind,
            country: row.country,
            city: row.city,
            website: row.website,
            description: row.description,
            sectors: row.sectors,
            external_id: row.external_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A new company.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "ExoAtlet",
    "native_name": "ЭкзоАтлет",
    "kind": "startup",
    "country": "RU",
    "city": "Moscow",
    "website": "https://exoatlet.com/",
    "description": "Medical exoskeleton for the rehabilitation of patients with lower-limb locomotor disorders.",
    "sectors": ["medtech", "healthcare"]
}))]
pub struct CreateCompany {
    /// One line of at most 200 characters with at least one visible character; surrounding
    /// white space is removed.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// Name in the native language and script, e.g. Cyrillic; one line of at most 200
    /// characters. Blank counts as absent.
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub native_name: Option<String>,
    pub kind: CompanyKind,
    #[schema(value_type = CountryCode)]
    pub country: String,
    /// One line of at most 100 characters. Blank counts as absent.
    #[schema(max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub city: Option<String>,
    /// Absolute http(s) URL.
    #[schema(
        max_length = 2048,
        pattern = r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?([/?#][^\u0000-\u0020\u007f-\u009f]*)?$"
    )]
    pub website: Option<String>,
    /// At most 10,000 characters; line breaks allowed. Blank counts as absent.
    #[schema(
        max_length = 10000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub description: Option<String>,
    /// Sector codes, at most 10; duplicates are dropped.
    #[serde(default)]
    #[schema(value_type = Vec<SectorCode>, max_items = 10)]
    pub sectors: Vec<String>,
    /// The integrator's own reference for the company, unique across the platform (a second
    /// company with it is a 409); `PUT /api/v1/companies/by-external-id/{external_id}`
    /// creates or replaces the company by it.
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Option<String>,
}

/// A JSON merge patch (RFC 7396) of a company: absent fields stay, `null` clears an optional
/// field. `name`, `kind` and `country` are required and cannot be cleared.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"city": "Moscow", "website": null, "sectors": ["medtech", "healthcare", "research"]}))]
pub struct UpdateCompany {
    #[serde(default)]
    #[schema(value_type = Option<String>, nullable = false, required = false, min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$")]
    pub name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub native_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<CompanyKind>, nullable = false, required = false)]
    pub kind: Patch<CompanyKind>,
    #[serde(default)]
    #[schema(value_type = Option<CountryCode>, nullable = false, required = false)]
    pub country: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub city: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 2048, pattern = r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?([/?#][^\u0000-\u0020\u007f-\u009f]*)?$")]
    pub website: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 10000, pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$")]
    pub description: Patch<String>,
    /// Replaces the whole list; `null` empties it.
    #[serde(default)]
    #[schema(value_type = Option<Vec<SectorCode>>, max_items = 10)]
    pub sectors: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Patch<String>,
}

impl UpdateCompany {
    /// The full new state: the patch applied to the current company. Clearing a required
    /// field is recorded in `errors`.
    pub fn apply(self, current: Company, errors: &mut Errors) -> CreateCompany {
        CreateCompany {
            name: self.name.required(errors, "name", current.name),
            native_name: self.native_name.apply_to(current.native_name),
            kind: self.kind.required(errors, "kind", current.kind),
            country: self.country.required(errors, "country", current.country),
            city: self.city.apply_to(current.city),
            website: self.website.apply_to(current.website),
            description: self.description.apply_to(current.description),
            sectors: self
                .sectors
                .apply_to(Some(current.sectors))
                .unwrap_or_default(),
            external_id: self.external_id.apply_to(current.external_id),
        }
    }
}

impl crate::imports::ExternallyNamed for CreateCompany {
    fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }
}

impl CreateCompany {
    /// Parses every field, collecting all problems into `errors`.
    pub fn parse(
        self,
        catalog: &SectorCatalog,
        mut errors: Errors,
    ) -> Result<CompanyDraft, crate::http::ApiError> {
        let name = text::required(&mut errors, "name", &self.name, MAX_NAME);
        let native_name = text::optional(
            &mut errors,
            "native_name",
            self.native_name.as_deref(),
            MAX_NAME,
            Lines::One,
        );
        let country = errors.check("country", Country::parse(&self.country));
        let city = text::optional(
            &mut errors,
            "city",
            self.city.as_deref(),
            MAX_CITY,
            Lines::One,
        );
        let website = text::web_url(&mut errors, "website", self.website.as_deref());
        let description = text::optional(
            &mut errors,
            "description",
            self.description.as_deref(),
            MAX_DESCRIPTION,
            Lines::Many,
        );
        let sectors = catalog.parse_list(&mut errors, "sectors", self.sectors);
        let external_id = self
            .external_id
            .as_deref()
            .and_then(|id| errors.check("external_id", external_id::parse(id)));
        match (name, country) {
            (Some(name), Some(country)) if errors.is_empty() => Ok(CompanyDraft {
                name,
                native_name,
                kind: self.kind,
                country,
                city,
                website,
                description,
                sectors,
                external_id,
            }),
            _ => Err(errors.finish().err().map_or_else(
                || crate::http::ApiError::internal("validation failed without an error"),
                Into::into,
            )),
        }
    }
}

/// Query parameters of `GET /api/v1/companies`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompanyListParams {
    /// Only companies based in this country (ISO 3166-1 alpha-2).
    #[serde(default, deserialize_with = "params::country")]
    #[param(value_type = Option<CountryCode>, inline)]
    pub country: Option<String>,
    /// Only companies of this kind.
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub kind: Option<CompanyKind>,
    /// Only companies active in this sector (a code from `GET /api/v1/sectors`).
    #[serde(default)]
    #[param(value_type = Option<SectorCode>, inline)]
    pub sector: Option<String>,
    /// Words to find in the name, native name, city and description: each must match, in French,
    /// English or Russian word forms, ignoring case, accents and script (`skolkovo` finds
    /// `Сколково`); names also match with a typo.
    #[serde(default, deserialize_with = "params::search_text")]
    #[param(value_type = Option<String>, example = "skolkovo", max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub q: Option<SearchText>,
    /// Only the company with this external id.
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
    /// Sort order.
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

/// Query parameters of `GET /api/v1/companies/export`: the list's filters and sort, and the format.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct CompanyExportParams(pub CompanyListParams);

impl IntoParams for CompanyExportParams {
    fn into_params(
        parameter_in: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let mut all = CompanyListParams::into_params(parameter_in);
        all.retain(|p| p.name != "limit" && p.name != "cursor");
        all.push(crate::exports::format_param());
        all
    }
}
