//! Creating or replacing an offer by its external id: `PUT
//! /api/v1/cooperation-offers/by-external-id/{external_id}` and each line of an import.

use chrono::{NaiveDate, Utc};
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::types::{CreateOffer, Offer};
use crate::auth::Caller;
use crate::http::upsert::{Outcome, Preconditions, same_external_id};
use crate::http::{ApiError, Tagged};
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
    mut body: CreateOffer,
    preconditions: &Preconditions,
    today: NaiveDate,
) -> Result<(OfferRow, Outcome), ApiError> {
    caller.require_owner(Some(body.company_id))?;
    let mut errors = Errors::default();
    same_external_id(&mut errors, &body.external_id, external_id);
    body.external_id = Some(external_id.to_string());
    let current = store::find_by_external_id_for_update(conn, body.company_id, external_id).await?;
    // Invalid content is reported as such (422) whatever the preconditions say.
    let Some(current) = current else {
        if body.status == Some(OfferStatus::Closed) {
            errors.add("status", "a new offer is draft or published");
        }
        let draft = body.parse(catalog, errors)?;
        preconditions.check_absent()?;
        let now = Utc::now();
        let row = draft.into_row(Uuid::now_v7(), now, now, None);
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
