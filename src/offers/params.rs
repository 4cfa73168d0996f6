//! The query parameters of the offer lists, declared once: the list takes them all, the facets
//! and a company's offers take some of them.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};
use uuid::Uuid;

use crate::http::Cursor;
use crate::http::params::{self, Limit};
use coop_domain::CountryCode;
use coop_domain::external_id::ExternalId;
use coop_domain::offers::{CooperationType, OfferKind, OfferSort, StatusFilter};
use coop_domain::search::SearchText;
use coop_domain::sectors::SectorCode;

/// Query parameters of `GET /api/v1/cooperation-offers`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferListParams {
    /// Only offers of this company.
    #[serde(default, deserialize_with = "params::id")]
    pub company_id: Option<Uuid>,
    /// Only offers of companies based in this country.
    #[serde(default, deserialize_with = "params::country")]
    #[param(value_type = Option<CountryCode>, inline)]
    pub company_country: Option<String>,
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub kind: Option<OfferKind>,
    /// Only offers proposing this form of cooperation.
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub cooperation_type: Option<CooperationType>,
    // A code of the sector catalogue, which is data: checked against it once parsed.
    #[serde(default)]
    #[param(value_type = Option<SectorCode>, inline)]
    pub sector: Option<String>,
    /// Only offers looking for partners in this country.
    #[serde(default, deserialize_with = "params::country")]
    #[param(value_type = Option<CountryCode>, inline)]
    pub target_country: Option<String>,
    /// Default: published and not expired.
    #[serde(default, deserialize_with = "params::one_of")]
    #[param(inline)]
    pub status: Option<StatusFilter>,
    /// Only offers presented at this event.
    #[serde(default, deserialize_with = "params::id")]
    pub event_id: Option<Uuid>,
    /// Only the offer with this external id (one per company; with `company_id`, at most one).
    #[serde(default, deserialize_with = "params::external_id")]
    #[param(value_type = Option<ExternalId>, inline)]
    pub external_id: Option<String>,
    /// Words to find in the title, summary and description: each must match, in French,
    /// English or Russian word forms, ignoring case, accents and script (`exosquelettes`
    /// finds `Exosquelette médical`).
    #[serde(default, deserialize_with = "params::search_text")]
    #[param(value_type = Option<String>, max_length = 200, example = "exoskeleton", pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
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
    pub sort: Option<OfferSort>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

/// Query parameters of `GET /api/v1/cooperation-offers/facets`: the filters of the list.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct OfferFacetParams(pub OfferListParams);

impl IntoParams for OfferFacetParams {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let filters = [
            "company_id",
            "company_country",
            "kind",
            "cooperation_type",
            "sector",
            "target_country",
            "status",
            "event_id",
            "q",
        ];
        params::only(OfferListParams::into_params(parameter_in), &filters)
    }
}

/// Query parameters of `GET /api/v1/companies/{id}/cooperation-offers`.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct CompanyOfferParams(OfferListParams);

impl IntoParams for CompanyOfferParams {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let names = [
            "status",
            "external_id",
            "updated_since",
            "sort",
            "limit",
            "cursor",
        ];
        params::only(OfferListParams::into_params(parameter_in), &names)
    }
}

impl CompanyOfferParams {
    pub fn for_company(self, company_id: Uuid) -> OfferListParams {
        OfferListParams {
            company_id: Some(company_id),
            ..self.0
        }
    }
}

/// Query parameters of `GET /api/v1/cooperation-offers/export`: the list's filters and sort,
/// and the format.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct OfferExportParams(pub OfferListParams);

impl IntoParams for OfferExportParams {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut all = OfferListParams::into_params(parameter_in);
        all.retain(|p| p.name != "limit" && p.name != "cursor");
        all.push(crate::exports::format_param());
        all
    }
}
