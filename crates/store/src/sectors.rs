//! Sectors as stored, and the catalog of codes loaded once at start.

use std::collections::BTreeMap;

use crate::schema::sectors;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;

use coop_domain::sectors::MAX_SECTORS;
use coop_domain::{Errors, FieldError};

/// A sector of activity.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, ToSchema)]
#[diesel(table_name = sectors)]
#[schema(example = json!({"code": "medtech", "name": "Medical technology", "description": "Medical devices, exoskeletons, diagnostics"}))]
pub struct Sector {
    /// The code used in `sectors` fields and filters.
    pub code: String,
    /// Human-readable name.
    pub name: String,
    /// What the sector covers.
    pub description: String,
}

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

    /// Validates a sector filter parameter.
    pub fn parse_param(&self, field: &str, code: &str) -> Result<String, FieldError> {
        if self.contains(code) {
            Ok(code.to_string())
        } else {
            Err(FieldError::new(
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

/// Every sector, ordered by code.
pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Sector>> {
    sectors::table
        .select(Sector::as_select())
        .order(sectors::code)
        .load(conn)
        .await
}
