//! Creating or replacing an offer by its external id: `PUT
//! /api/v1/cooperation-offers/by-external-id/{external_id}` and each line of an import.

use std::collections::HashSet;

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::types::{CreateOffer, Offer};
use crate::auth::Caller;
use crate::http::upsert::{Outcome, Preconditions, same_external_id};
use crate::http::{ApiError, Tagged};
use crate::imports::LineWriter;
use coop_domain::Errors;
use coop_domain::offers::OfferStatus;
use coop_store::offers::{self as store, OfferRow};
use coop_store::sectors::SectorCatalog;

/// Foreign keys of an offer: a missing company or event is a 422 on that field.
pub const REFS: &[(&str, &str, &str)] = &[
    (
        "cooperation_offers_company_id_fkey",
        "company_id",
        "company",
    ),
    ("cooperation_offers_event_id_fkey", "event_id", "event"),
];

/// Unique constraints of an offer.
pub const UNIQUE: &[(&str, &str)] = &[(
    "cooperation_offers_external_id",
    "another offer of this company has this `external_id`",
)];

/// Creates the offer of `body.company_id` with `external_id`, or replaces it, in the
/// caller's transaction; the caller must own the company (or be staff).
pub async fn upsert_offer(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    catalog: &SectorCatalog,
    external_id: &str,
    body: CreateOffer,
    preconditions: &Preconditions,
    today: NaiveDate,
) -> Result<(OfferRow, Outcome), ApiError> {
    let (body, mut errors) = named(caller, external_id, body)?;
    let current = store::find_by_external_id_for_update(conn, body.company_id, external_id).await?;
    // Invalid content is reported as such (422) whatever the preconditions say.
    let Some(current) = current else {
        let row = new_row(catalog, body, errors, Utc::now())?;
        preconditions.check_absent()?;
        let row = store::insert(conn, &row)
            .await
            .map_err(ApiError::rejected(REFS, UNIQUE))?;
        return Ok((row, Outcome::Created));
    };
    let status = body.status.unwrap_or(OfferStatus::Draft);
    if !current.status.can_move_to(status) {
        let from: &'static str = current.status.into();
        let to: &'static str = status.into();
        errors.add(
            "status",
            format!("cannot move from {from} to {to}; the lifecycle is draft → published → closed"),
        );
    }
    let draft = body.parse(catalog, errors)?;
    let etag = Tagged::new(&Offer::from_row(current.clone(), today))?.etag;
    preconditions.check_present(&etag)?;
    let row = draft.into_row(
        current.id,
        current.created_at,
        Utc::now(),
        current.published_at,
    );
    // Unchanged when the representation would be the same but for the time of the write.
    let same = OfferRow {
        updated_at: current.updated_at,
        ..row.clone()
    };
    if Tagged::new(&Offer::from_row(same, today))?.etag == etag {
        return Ok((current, Outcome::Unchanged));
    }
    let row = store::update(conn, &row)
        .await
        .map_err(ApiError::rejected(REFS, UNIQUE))?;
    Ok((row, Outcome::Updated))
}

/// The body of the offer named `external_id`, which the caller must own, with the errors
/// found so far (a body that names another external id).
fn named(
    caller: &Caller,
    external_id: &str,
    mut body: CreateOffer,
) -> Result<(CreateOffer, Errors), ApiError> {
    caller.require_owner(Some(body.company_id))?;
    let mut errors = Errors::default();
    same_external_id(&mut errors, &body.external_id, external_id);
    body.external_id = Some(external_id.to_string());
    Ok((body, errors))
}

/// The row of a new offer, or why the body cannot be one.
fn new_row(
    catalog: &SectorCatalog,
    body: CreateOffer,
    mut errors: Errors,
    now: DateTime<Utc>,
) -> Result<OfferRow, ApiError> {
    if body.status == Some(OfferStatus::Closed) {
        errors.add("status", "a new offer is draft or published");
    }
    let draft = body.parse(catalog, errors)?;
    Ok(draft.into_row(Uuid::now_v7(), now, now, None))
}

/// The lines of an offer import, written as [`upsert_offer`] writes one.
pub struct OfferImport {
    pub caller: Caller,
    pub catalog: web::Data<SectorCatalog>,
    pub today: NaiveDate,
}

impl LineWriter for OfferImport {
    type Body = CreateOffer;

    async fn upsert(
        &self,
        conn: &mut AsyncPgConnection,
        body: CreateOffer,
        external_id: String,
    ) -> Result<(Uuid, Outcome), ApiError> {
        let none = Preconditions::default();
        let (row, outcome) = upsert_offer(
            conn,
            &self.caller,
            &self.catalog,
            &external_id,
            body,
            &none,
            self.today,
        )
        .await?;
        Ok((row.id, outcome))
    }

    /// The lines that are valid new offers go in one statement; those whose company has the
    /// external id already are left out by it, and written by `upsert` as replacements.
    async fn create_new(
        &self,
        conn: &mut AsyncPgConnection,
        lines: &[(&CreateOffer, &str)],
    ) -> Result<Vec<Option<Uuid>>, ApiError> {
        let now = Utc::now();
        let mut rows = Vec::with_capacity(lines.len());
        let mut ids = vec![None; lines.len()];
        for (index, &(body, external_id)) in lines.iter().enumerate() {
            let new = named(&self.caller, external_id, body.clone())
                .and_then(|(body, errors)| new_row(&self.catalog, body, errors, now));
            // A line that is not a valid new offer is left to `upsert`, which says why (or,
            // when the offer exists, replaces it: closing is valid there).
            if let Ok(row) = new {
                ids[index] = Some(row.id);
                rows.push(row);
            }
        }
        let created: HashSet<Uuid> = store::insert_new(conn, &rows)
            .await
            .map_err(ApiError::rejected(REFS, UNIQUE))?
            .into_iter()
            .collect();
        for id in &mut ids {
            if id.is_some_and(|id| !created.contains(&id)) {
                *id = None;
            }
        }
        Ok(ids)
    }
}
