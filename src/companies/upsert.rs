//! Creating or replacing a company by its external id: `PUT
//! /api/v1/companies/by-external-id/{external_id}` and each line of an import.

use actix_web::web;
use chrono::Utc;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::types::{Company, CreateCompany};
use crate::auth::Caller;
use crate::http::upsert::{Outcome, Preconditions, same_external_id};
use crate::http::{ApiError, Tagged};
use crate::imports::LineWriter;
use coop_domain::Errors;
use coop_store::companies::{self as store, CompanyRow};
use coop_store::sectors::SectorCatalog;

/// Unique constraints of a company.
pub const UNIQUE: &[(&str, &str)] = &[(
    "companies_external_id",
    "another company has this `external_id`",
)];

/// Creates the company with `external_id` (editors and admins), or replaces it (also its
/// own key), in the caller's transaction.
pub async fn upsert_company(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    catalog: &SectorCatalog,
    external_id: &str,
    mut body: CreateCompany,
    preconditions: &Preconditions,
) -> Result<(CompanyRow, Outcome), ApiError> {
    let mut errors = Errors::default();
    same_external_id(&mut errors, &body.external_id, external_id);
    body.external_id = Some(external_id.to_string());
    let Some(current) = store::find_by_external_id_for_update(conn, external_id).await? else {
        caller.require_staff()?;
        // Invalid content is reported as such (422) whatever the preconditions say.
        let draft = body.parse(catalog, errors)?;
        preconditions.check_absent()?;
        let now = Utc::now();
        let row = store::insert(conn, &draft.into_row(Uuid::now_v7(), now, now))
            .await
            .map_err(ApiError::rejected(&[], UNIQUE))?;
        return Ok((row, Outcome::Created));
    };
    caller.require_owner(Some(current.id))?;
    let draft = body.parse(catalog, errors)?;
    let etag = Tagged::new(&Company::from(current.clone()))?.etag;
    preconditions.check_present(&etag)?;
    let row = draft.into_row(current.id, current.created_at, Utc::now());
    // Unchanged when the representation would be the same but for the time of the write.
    let same = CompanyRow {
        updated_at: current.updated_at,
        ..row.clone()
    };
    if Tagged::new(&Company::from(same))?.etag == etag {
        return Ok((current, Outcome::Unchanged));
    }
    let row = store::update(conn, &row)
        .await
        .map_err(ApiError::rejected(&[], UNIQUE))?;
    Ok((row, Outcome::Updated))
}

/// The lines of a company import, written as [`upsert_company`] writes one.
pub struct CompanyImport {
    pub caller: Caller,
    pub catalog: web::Data<SectorCatalog>,
}

impl LineWriter for CompanyImport {
    type Body = CreateCompany;

    async fn upsert(
        &self,
        conn: &mut AsyncPgConnection,
        body: CreateCompany,
        external_id: String,
    ) -> Result<(Uuid, Outcome), ApiError> {
        let none = Preconditions::default();
        let (row, outcome) =
            upsert_company(conn, &self.caller, &self.catalog, &external_id, body, &none).await?;
        Ok((row.id, outcome))
    }
}
