//! Expression-of-interest endpoints under `/api/v1/cooperation-offers/{id}/interests`: a
//! company answers another company's published offer; the owner accepts or declines, the
//! sender may withdraw. Only the two companies, editors and admins see an interest.

use crate::idempotency;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::Utc;
use coop_domain::offers::{OfferState, OfferStatus, today};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::types::*;
use crate::auth::{Caller, Scope};
use crate::http::pagination::after_time;
use crate::http::{ApiError, Cursor, JsonBody, NestedPath, Page, PathId, Problem, Query};
use crate::offers::pages::{offer_missing, visible_offer};
use coop_domain::interests::Side;
use coop_store::db::DbPool;
use coop_store::interests as store;
use diesel::OptionalExtension;

fn interest_missing(id: Uuid) -> ApiError {
    ApiError::not_found(format!("no interest with id {id} in this offer"))
}

/// Express interest in an offer
///
/// Sends the offer's owner a message and a contact person. The contact is revealed to the
/// owner only if it accepts. Only published, unexpired offers of another company take
/// interests (own offer: 422; closed or expired offer, or a pending interest of the same
/// company already there: 409). Needs a company key (the sender is its company), or an editor
/// or admin key with `company_id`.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "createOfferInterest",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Offer id")),
    request_body(content = CreateInterest, content_type = "application/json"),
    responses(
        (status = 201, description = "Created, `pending`", body = Interest,
            headers(("Location" = String, description = "URL of the new interest"))),
        (status = 404, description = "No offer with this id, or a draft of another company", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The offer takes no interests (closed, expired, draft), or this company already has a pending interest in it", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/cooperation-offers/{id}/interests")]
pub async fn create_interest(
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
    body: JsonBody<CreateInterest>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = id.0;
    let body = body.0;
    let sender = match (caller.scope(), body.company_id) {
        (Scope::Company(own), None) => own,
        (Scope::Company(own), Some(named)) if named == own => own,
        (Scope::Company(_), Some(_)) => {
            return Err(ApiError::forbidden(
                "a company key expresses interest for its own company only",
            ));
        }
        (Scope::All, Some(named)) => named,
        (Scope::All, None) => {
            return Err(ApiError::invalid(
                "company_id",
                "is required with an editor or admin key: the interested company",
            ));
        }
        (Scope::Public, _) => return Err(ApiError::key_required()),
    };
    let mut conn = pool.get().await?;
    let (offer, row) = idempotency::transaction(&mut conn, async |conn| {
        // Shared lock: the offer cannot be closed between the check and the insert. A
        // closed or expired offer is answered with why it takes no interest (409); another
        // company's draft stays hidden (404).
        let offer = coop_store::offers::find_for_share(conn, offer_id)
            .await
            .optional()?
            .filter(|row| {
                row.status != OfferStatus::Draft || caller.sees_private_of(Some(row.company_id))
            })
            .ok_or_else(|| offer_missing(offer_id))?;
        if offer.company_id == sender {
            return Err(ApiError::invalid(
                "company_id",
                "is the offer's own company: a company cannot express interest in its own offer",
            ));
        }
        let state = offer.state(today());
        if state != OfferState::Published {
            let state = serde_json::to_value(state).unwrap_or_default();
            return Err(ApiError::conflict(format!(
                "the offer is {}; only published offers take interests",
                state.as_str().unwrap_or("not published")
            )));
        }
        let row = body.into_row(offer_id, sender, Utc::now())?;
        let row = store::insert(conn, &row).await.map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => ApiError::conflict("this company already has a pending interest in this offer"),
            other => ApiError::dangling(&[(
                "cooperation_interests_company_id_fkey",
                "company_id",
                "company",
            )])(other),
        })?;
        Ok((offer, row))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/cooperation-offers/{offer_id}/interests/{}", row.id),
        ))
        .json(Interest::view(
            row,
            Side::of(&caller, offer.company_id, sender),
        )))
}

/// List the interests in an offer
///
/// Newest first. The offer's owner (and editors and admins) see every interest; another
/// company sees only its own. Contact details follow the rules of `GET .../interests/{id}`.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "listOfferInterests",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Offer id"), InterestListParams),
    responses(
        (status = 200, description = "One page of interests", body = Page<Interest>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
        (status = 404, description = "No offer with this id is visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/cooperation-offers/{id}/interests")]
pub async fn list_interests(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
    params: Query<InterestListParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.0;
    let limit = p.limit.get();
    let after = after_time(p.cursor, "interests")?;
    let status = p.status;
    let mut conn = pool.get().await?;
    let offer = visible_offer(&mut conn, &caller, id.0, today()).await?;
    let only = match caller.scope() {
        Scope::All => None,
        Scope::Company(c) if c == offer.company_id => None,
        Scope::Company(c) => Some(c),
        Scope::Public => return Err(ApiError::key_required()),
    };
    let rows = store::list(
        &mut conn,
        offer.id,
        only,
        status,
        p.updated_since,
        after,
        limit,
    )
    .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |row| Cursor::at_time("interests", row.created_at, row.id),
        |row| {
            let side = Side::of(&caller, offer.company_id, row.company_id);
            Interest::view(row, side)
        },
    );
    Ok(page.respond(&req))
}

/// Get an interest
///
/// Seen by the two companies, editors and admins (404 for anyone else). Each side always sees
/// its own contact; the other side's contact appears once the interest is `accepted`.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "getOfferInterest",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Offer id"),
        ("part_id" = Uuid, Path, description = "Interest id"),
    ),
    responses(
        (status = 200, description = "The interest", body = Interest),
        (status = 404, description = "No such interest visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/cooperation-offers/{id}/interests/{part_id}")]
pub async fn get_interest(
    caller: Caller,
    pool: web::Data<DbPool>,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let offer = visible_offer(&mut conn, &caller, path.parent_id, today()).await?;
    let row = store::find(&mut conn, offer.id, path.id, false)
        .await
        .map_err(|_| interest_missing(path.id))?;
    match Side::of(&caller, offer.company_id, row.company_id) {
        Side::Outsider => Err(interest_missing(path.id)),
        side => Ok(HttpResponse::Ok().json(Interest::view(row, side))),
    }
}

/// Accept, decline or withdraw an interest
///
/// A pending interest moves once: the offer's owner sets `accepted` (with its `contact`, which
/// the sender then sees, as the owner sees the sender's) or `declined`, optionally with a
/// `reply`; the interested company sets `withdrawn`. Any other move is a 403 (wrong side) or
/// a 409 (no longer pending). Editors and admins may act for either side.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "decideOfferInterest",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Offer id"),
        ("part_id" = Uuid, Path, description = "Interest id"),
    ),
    request_body(content(
        (DecideInterest = "application/merge-patch+json"),
        (DecideInterest = "application/json"),
    )),
    responses(
        (status = 200, description = "The decided interest", body = Interest),
        (status = 404, description = "No such interest visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The interest is no longer pending", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/cooperation-offers/{id}/interests/{part_id}")]
pub async fn decide_interest(
    caller: Caller,
    pool: web::Data<DbPool>,
    path: NestedPath,
    body: JsonBody<DecideInterest>,
) -> Result<HttpResponse, ApiError> {
    let decision = body.0;
    let mut conn = pool.get().await?;
    let (row, side) = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let offer = visible_offer(conn, &caller, path.parent_id, today()).await?;
            let current = store::find(conn, offer.id, path.id, true)
                .await
                .map_err(|_| interest_missing(path.id))?;
            let side = Side::of(&caller, offer.company_id, current.company_id);
            if side == Side::Outsider {
                return Err(interest_missing(path.id));
            }
            let decided = decision.apply(current, side, Utc::now())?;
            Ok((store::decide(conn, &decided).await?, side))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Interest::view(row, side)))
}
