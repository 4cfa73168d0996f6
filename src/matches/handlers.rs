//! Match endpoints: the offers that answer an offer, and the offers that fit a company.

use crate::replicas::ReadPool;
use actix_web::{HttpResponse, get};
use coop_domain::offers::today;

use super::types::*;
use crate::auth::Caller;
use crate::http::{ApiError, PathId, Problem, Query};
use coop_store::matches::{self as store, MatchRow};

fn respond(rows: Vec<MatchRow>, between_offers: bool) -> HttpResponse {
    let today = today();
    let items = rows
        .into_iter()
        .map(|row| Match {
            score: round2(row.score),
            reasons: MatchReasons {
                sector_overlap: row.sector_overlap,
                country_fit: row.country_fit,
                shared_cooperation_types: between_offers.then_some(row.shared_types),
                text_similarity: between_offers.then_some(round2(row.text_similarity)),
            },
            offer: crate::offers::Offer::from_row(row.offer, today),
        })
        .collect();
    HttpResponse::Ok().json(Matches { items })
}

/// Matches for an offer
///
/// The published, unexpired offers of other companies that answer this one: an offer meets a
/// request of the same family (business, technology, investment), R&D partnerships meet each
/// other, and at least one sector must be shared. Ranked by shared sectors, country fit both
/// ways (the other company's country among this offer's target countries, and this company's
/// among the other's), shared cooperation types and text similarity; each match says why.
/// Equal scores: newest offer first, then by id. The newest 300 candidates (complementary
/// offers sharing a sector) are scored.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "listOfferMatches",
    params(("id" = Uuid, Path, description = "Offer id"), MatchParams),
    responses(
        (status = 200, description = "The best matches, best first", body = Matches),
        (status = 404, description = "No offer with this id is visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/cooperation-offers/{id}/matches")]
pub async fn offer_matches(
    caller: Caller,
    pool: ReadPool,
    id: PathId,
    params: Query<MatchParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = params.0.limit.get();
    let today = today();
    let mut conn = pool.get().await?;
    let offer = crate::offers::pages::visible_offer(&mut conn, &caller, id.0, today).await?;
    let rows = store::for_offer(&mut conn, offer.id, complement(offer.kind), today, limit).await?;
    Ok(respond(rows, true))
}

/// Matches for a company
///
/// Published, unexpired offers of other companies that share a sector with this company,
/// ranked by how many of its sectors they cover and whether they target its country; each
/// match says why. Equal scores: newest offer first, then by id. The newest 1,000 candidates
/// are scored.
#[utoipa::path(
    tag = "companies",
    operation_id = "listCompanyMatches",
    params(("id" = Uuid, Path, description = "Company id"), MatchParams),
    responses(
        (status = 200, description = "The best matches, best first", body = Matches),
        (status = 404, description = "No company has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/companies/{id}/matches")]
pub async fn company_matches(
    pool: ReadPool,
    id: PathId,
    params: Query<MatchParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = params.0.limit.get();
    let mut conn = pool.get().await?;
    coop_store::companies::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("company", id.0))?;
    let rows = store::for_company(&mut conn, id.0, today(), limit).await?;
    Ok(respond(rows, false))
}
