use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use coop_domain::Errors;

/// A sector of activity.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, ToSchema)]
#[diesel(table_name = coop_store::schema::sectors)]
#[schema(example = json!({"code": "medtech", "name": "Medical technology", "description": "Medical devices, exoskeletons, diagnostics"}))]
pub struct Sector {
    /// The code used in `sectors` fields and filters.
    pub code: String,
    /// Human-readable name.
    pub name: String,
    /// What the sector covers.
    pub description: String,
}

/// The seeded sector codes. The `sectors` table is the source of truth at run time; this list
/// gives the spec its enum, and a test keeps the two equal.
pub const SECTOR_CODES: &[&str] = &[
    "agrifood",
    "aerospace",
    "ai",
    "automotive",
    "big-data",
    "biotech",
    "construction",
    "consulting",
    "creative",
    "cybersecurity",
    "e-commerce",
    "education",
    "energy",
    "environment",
    "finance",
    "franchising",
    "government",
    "healthcare",
    "it",
    "investment",
    "logistics",
    "manufacturing",
    "medtech",
    "mobility",
    "pharma",
    "real-estate",
    "research",
    "retail",
    "smart-city",
    "telecom",
    "tourism",
    "transport",
    "vr-ar",
];

/// The `SectorCode` schema: the sector codes as an enum.
pub struct SectorCode;

impl utoipa::PartialSchema for SectorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some("A sector code; `GET /api/v1/sectors` describes each."))
            .enum_values(Some(SECTOR_CODES.iter().copied()))
            .examples(["medtech"])
            .into()
    }
}

impl utoipa::ToSchema for SectorCode {}

/// Most sectors one resource may carry.
pub const MAX_SECTORS: usize = 10;

/// The sector codes, loaded once at start. The table only changes through migrations, which run
/// before the catalog is loaded, so the cache cannot go stale while the process runs.
#[derive(Debug, Clone, Default)]
pub struct SectorCatalog {
    sectors: BTreeMap<String, Sector>,
}

impl SectorCatalog {
    pub fn new(sectors: Vec<Sector>) -> Self {
        Self {
            sectors: sectors.into_iter().map(|s| (s.code.clone(), s)).collect(),
        }
    }

    pub fn all(&self) -> impl Iterator<Item = &Sector> {
        self.sectors.values()
    }

    pub fn contains(&self, code: &str) -> bool {
        self.sectors.contains_key(code)
    }

    /// Validates a sector filter parameter (400 when unknown).
    pub fn parse_param(&self, field: &str, code: &str) -> Result<String, crate::http::ApiError> {
        if self.contains(code) {
            Ok(code.to_string())
        } else {
            Err(crate::http::ApiError::bad_parameter(
                field,
                format!("`{code}` is not a sector code; GET /api/v1/sectors lists them"),
            ))
        }
    }

    /// Validates a list of sector codes: known, at most [`MAX_SECTORS`], duplicates removed,
    /// order kept.
    pub fn parse_list(&self, errors: &mut Errors, field: &str, raw: Vec<String>) -> Vec<String> {
        if raw.len() > MAX_SECTORS {
            errors.add(field, format!("must hold at most {MAX_SECTORS} sectors"));
            return Vec::new();
        }
        let mut codes: Vec<String> = Vec::with_capacity(raw.len());
        for (i, code) in raw.into_iter().enumerate() {
            if !self.contains(&code) {
                errors.add(
                    format!("{field}[{i}]"),
                    format!("`{code}` is not a sector code; GET /api/v1/sectors lists them"),
                );
            } else if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes
    }
}
