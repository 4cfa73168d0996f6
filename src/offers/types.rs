//! Cooperation offer request and response types, the status lifecycle, and parsing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::{ApiError, Patch};
use coop_domain::external_id::{self, ExternalId};
use coop_domain::language::{self, LanguageCode};
use coop_domain::offers::{CooperationType, OfferKind, OfferState, OfferStatus};
use coop_domain::sectors::SectorCode;
use coop_domain::text::{self, Lines};
use coop_domain::{Country, CountryCode, Errors};
use coop_store::offers::{OfferDraft, OfferRow};
use coop_store::sectors::SectorCatalog;

pub const MAX_TITLE: usize = 300;
pub const MAX_SUMMARY: usize = 1000;
pub const MAX_DESCRIPTION: usize = 20_000;
pub const MAX_COUNTRIES: usize = 50;

/// A cooperation offer or request published by a company.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0190f5c4-8c22-7d3e-a1b2-c3d4e5f60718",
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "kind": "technology_offer",
    "cooperation_types": ["distribution", "licensing"],
    "title": "Medical exoskeleton ExoAtlet: distributors and rehabilitation centres wanted in France",
    "summary": "Exoskeleton for the rehabilitation of patients with lower-limb locomotor disorders.",
    "description": "Illustrative offer drawn from the Moscow–Paris teleconference report.",
    "sectors": ["medtech", "healthcare"],
    "target_countries": ["FR"],
    "language": "en",
    "status": "published",
    "published_at": "2026-11-26T06:17:12.123456Z",
    "valid_until": "2027-06-30",
    "event_id": null,
    "external_id": "CCI-2019-4711",
    "created_at": "2026-11-26T06:17:12.123456Z",
    "updated_at": "2026-11-26T06:17:12.123456Z"
}))]
pub struct Offer {
    pub id: Uuid,
    /// The company that publishes the offer.
    pub company_id: Uuid,
    pub kind: OfferKind,
    pub cooperation_types: Vec<CooperationType>,
    pub title: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    #[schema(value_type = Vec<SectorCode>)]
    pub sectors: Vec<String>,
    /// Countries where the company looks for partners.
    #[schema(value_type = Vec<CountryCode>)]
    pub target_countries: Vec<String>,
    /// Language of the texts.
    #[schema(value_type = Option<LanguageCode>)]
    pub language: Option<String>,
    pub status: OfferState,
    /// When the offer was first published (set by the server).
    pub published_at: Option<DateTime<Utc>>,
    /// Last day the offer is valid; after it the offer reads as `expired`.
    pub valid_until: Option<NaiveDate>,
    /// The event where the offer was presented.
    pub event_id: Option<Uuid>,
    /// The company's own reference for the offer, unique within the company.
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Offer {
    pub fn from_row(row: OfferRow, today: NaiveDate) -> Offer {
        let status = row.state(today);
        // Every field named: a column added to the row does not compile until it is shown
        // here or left out on purpose (`field: _`).
        let OfferRow {
            id,
            company_id,
            kind,
            cooperation_types,
            title,
            summary,
            description,
            sectors,
            target_countries,
            language,
            status: _,
            published_at,
            valid_until,
            event_id,
            created_at,
            updated_at,
            external_id,
        } = row;
        Offer {
            id,
            company_id,
            kind,
            cooperation_types,
            title,
            summary,
            description,
            sectors,
            target_countries,
            language,
            status,
            published_at,
            valid_until,
            event_id,
            external_id,
            created_at,
            updated_at,
        }
    }
}

/// A new offer. It starts as a `draft` unless `status` says `published`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "company_id": "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d",
    "kind": "technology_offer",
    "cooperation_types": ["distribution", "licensing"],
    "title": "Medical exoskeleton ExoAtlet: distributors and rehabilitation centres wanted in France",
    "summary": "Exoskeleton for the rehabilitation of patients with lower-limb locomotor disorders.",
    "sectors": ["medtech", "healthcare"],
    "target_countries": ["FR"],
    "language": "en",
    "status": "published",
    "valid_until": "2027-06-30"
}))]
pub struct CreateOffer {
    /// The publishing company (must exist; 422 otherwise). Cannot be changed later.
    pub company_id: Uuid,
    pub kind: OfferKind,
    /// At least one; duplicates are dropped.
    #[schema(min_items = 1)]
    pub cooperation_types: Vec<CooperationType>,
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub title: String,
    #[schema(
        max_length = 1000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub summary: Option<String>,
    #[schema(
        max_length = 20000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub description: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<SectorCode>, max_items = 10)]
    pub sectors: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Vec<CountryCode>, max_items = 50)]
    pub target_countries: Vec<String>,
    #[schema(value_type = Option<LanguageCode>)]
    pub language: Option<String>,
    /// `draft` (default) or `published`; see the lifecycle on `PATCH`.
    pub status: Option<OfferStatus>,
    pub valid_until: Option<NaiveDate>,
    /// An existing event where the offer was presented (422 otherwise).
    pub event_id: Option<Uuid>,
    /// The company's own reference for the offer, unique within the company (a second offer
    /// with it is a 409); `PUT /api/v1/cooperation-offers/by-external-id/{external_id}`
    /// creates or replaces the offer by it.
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Option<String>,
}

/// A JSON merge patch of an offer. `status` moves along the lifecycle (draft → published →
/// closed); `company_id` cannot be changed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "closed"}))]
pub struct UpdateOffer {
    #[serde(default)]
    #[schema(value_type = Option<OfferKind>, nullable = false, required = false)]
    pub kind: Patch<OfferKind>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<CooperationType>>, nullable = false, required = false, min_items = 1)]
    pub cooperation_types: Patch<Vec<CooperationType>>,
    #[serde(default)]
    #[schema(value_type = Option<String>, nullable = false, required = false, min_length = 1, max_length = 300, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$")]
    pub title: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 1000, pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$")]
    pub summary: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 20000, pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$")]
    pub description: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<SectorCode>>, max_items = 10)]
    pub sectors: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<CountryCode>>, max_items = 50)]
    pub target_countries: Patch<Vec<String>>,
    #[serde(default)]
    #[schema(value_type = Option<LanguageCode>)]
    pub language: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<OfferStatus>, nullable = false, required = false)]
    pub status: Patch<OfferStatus>,
    #[serde(default)]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_until: Patch<NaiveDate>,
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub event_id: Patch<Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<ExternalId>)]
    pub external_id: Patch<String>,
}

impl UpdateOffer {
    pub fn apply(self, current: &OfferRow, errors: &mut Errors) -> CreateOffer {
        let status = self.status.required(errors, "status", current.status);
        if !current.status.can_move_to(status) {
            let from: &'static str = current.status.into();
            let to: &'static str = status.into();
            errors.add(
                "status",
                format!(
                    "cannot move from {from} to {to}; the lifecycle is draft → published → closed"
                ),
            );
        }
        let c = current.clone();
        CreateOffer {
            company_id: c.company_id,
            kind: self.kind.required(errors, "kind", c.kind),
            cooperation_types: self.cooperation_types.required(
                errors,
                "cooperation_types",
                c.cooperation_types,
            ),
            title: self.title.required(errors, "title", c.title),
            summary: self.summary.apply_to(c.summary),
            description: self.description.apply_to(c.description),
            sectors: self.sectors.apply_to(Some(c.sectors)).unwrap_or_default(),
            target_countries: self
                .target_countries
                .apply_to(Some(c.target_countries))
                .unwrap_or_default(),
            language: self.language.apply_to(c.language),
            status: Some(status),
            valid_until: self.valid_until.apply_to(c.valid_until),
            event_id: self.event_id.apply_to(c.event_id),
            external_id: self.external_id.apply_to(c.external_id),
        }
    }
}

impl crate::imports::ExternallyNamed for CreateOffer {
    fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }
}

impl CreateOffer {
    pub fn parse(
        self,
        catalog: &SectorCatalog,
        mut errors: Errors,
    ) -> Result<OfferDraft, ApiError> {
        let title = text::required(&mut errors, "title", &self.title, MAX_TITLE);
        let summary = text::optional(
            &mut errors,
            "summary",
            self.summary.as_deref(),
            MAX_SUMMARY,
            Lines::Many,
        );
        let description = text::optional(
            &mut errors,
            "description",
            self.description.as_deref(),
            MAX_DESCRIPTION,
            Lines::Many,
        );
        let mut cooperation_types = Vec::new();
        for t in self.cooperation_types {
            if !cooperation_types.contains(&t) {
                cooperation_types.push(t);
            }
        }
        if cooperation_types.is_empty() {
            errors.add(
                "cooperation_types",
                "must name at least one type of cooperation",
            );
        }
        let sectors = catalog.parse_list(&mut errors, "sectors", self.sectors);
        let target_countries =
            parse_countries(&mut errors, "target_countries", self.target_countries);
        let language = self
            .language
            .as_deref()
            .and_then(|l| errors.check("language", language::parse(l)));
        let external_id = self
            .external_id
            .as_deref()
            .and_then(|id| errors.check("external_id", external_id::parse(id)));
        errors.finish()?;
        Ok(OfferDraft {
            company_id: self.company_id,
            kind: self.kind,
            cooperation_types,
            title: title.unwrap_or_default(),
            summary,
            description,
            sectors,
            target_countries,
            language,
            status: self.status.unwrap_or(OfferStatus::Draft),
            valid_until: self.valid_until,
            event_id: self.event_id,
            external_id,
        })
    }
}

/// A list of country codes: valid, at most [`MAX_COUNTRIES`], duplicates dropped.
pub fn parse_countries(errors: &mut Errors, field: &str, raw: Vec<String>) -> Vec<String> {
    if raw.len() > MAX_COUNTRIES {
        errors.add(
            field,
            format!("must hold at most {MAX_COUNTRIES} countries"),
        );
        return Vec::new();
    }
    let mut countries: Vec<String> = Vec::new();
    for (i, code) in raw.iter().enumerate() {
        match Country::parse(code) {
            Ok(c) if !countries.contains(&c.as_str().to_string()) => countries.push(c.into_inner()),
            Ok(_) => {}
            Err(m) => errors.add(format!("{field}[{i}]"), m),
        }
    }
    countries
}
