//! Sectors of activity: the controlled vocabulary of codes.

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
        crate::code_list_schema(
            "A sector code; `GET /api/v1/sectors` describes each.",
            SECTOR_CODES.iter().copied(),
            "medtech",
        )
    }
}

impl utoipa::ToSchema for SectorCode {}

/// Most sectors one resource may carry.
pub const MAX_SECTORS: usize = 10;
