//! Cooperation offer endpoints.

use crate::idempotency;
use crate::replicas::ReadPool;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::Utc;
use diesel_async::AsyncConnection;

use uuid::Uuid;

use super::facets::{FacetCache, Lookup};
use super::pages::{offer_missing, offer_page, parse_filter, visible_offer};
use super::params::{OfferExportParams, OfferFacetParams, OfferListParams};
use super::types::*;
use super::upsert::{OfferImport, REFS, UNIQUE, upsert_offer};
use crate::auth::{Caller, Scope};
use crate::exports;
use crate::http::upsert::{self, Preconditions, path_external_id};
use crate::http::{
    ApiError, JsonBody, Page, PathId, Problem, Query, Tagged, check_if_match, if_match,
};
use crate::imports::{self, ImportLine, ImportParams, NdjsonLines};
use coop_domain::Errors;
use coop_domain::external_id::ExternalId;
use coop_domain::offers::StatusFilter;
use coop_domain::offers::{OfferStatus, today};
use coop_store::db::DbPool;
use coop_store::offers::facets::OfferFacets;
use coop_store::offers::{self as store, OfferFilter, SortKey};
use coop_store::sectors::SectorCatalog;
use diesel::OptionalExtension;
use diesel_async::AsyncPgConnection;

/// Create a cooperation offer
///
/// Publishes what a company offers or looks for abroad. The offer starts as a `draft` unless
/// `status` is `published`, in which case `published_at` is set.
///
/// Needs a key: editors and admins may create offers for any company, a company key only for
/// its own (another `company_id` is a 403).
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "createCooperationOffer",
    security(("bearer" = [])),
    request_body(content = CreateOffer, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Offer,
            headers(
                ("Location" = String, description = "URL of the new offer"),
                ("ETag" = String, description = "Entity tag of the new offer"),
            )),
        (status = 409, description = "The `external_id` is taken: another offer of the company has it", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/cooperation-offers")]
pub async fn create_offer(
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    body: JsonBody<CreateOffer>,
) -> Result<HttpResponse, ApiError> {
    caller.require_owner(Some(body.0.company_id))?;
    let mut errors = Errors::default();
    if body.0.status == Some(OfferStatus::Closed) {
        errors.add("status", "a new offer is draft or published");
    }
    let draft = body.0.parse(&catalog, errors)?;
    let now = Utc::now();
    let row = draft.into_row(Uuid::now_v7(), now, now, None);
    let mut conn = pool.get().await?;
    let row = idempotency::write(&mut conn, async |conn| {
        store::insert(conn, &row)
            .await
            .map_err(ApiError::rejected(REFS, UNIQUE))
    })
    .await?;
    let mut created = HttpResponse::Created();
    created.insert_header((
        header::LOCATION,
        format!("/api/v1/cooperation-offers/{}", row.id),
    ));
    Ok(Tagged::new(&Offer::from_row(row, today()))?.with_status(created))
}

/// Create or replace a cooperation offer by its external id
///
/// The company's own reference (`external_id`, unique within the company) names the offer:
/// if the company (`company_id` of the body) has no offer with it, one is created (201, with
/// `Location`); otherwise that offer is replaced by the body (200), or left as it is when the
/// body changes nothing (200, and no change in the feed). Send `If-Match` with an ETag to
/// replace only that version (412 otherwise, or when nothing exists yet), `If-None-Match: *`
/// to create only. The status follows the lifecycle as on `PATCH`; `external_id` in the
/// body, if any, must be the one of the path.
///
/// Needs an editor or admin key, or the key of the offer's company.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "putCooperationOfferByExternalId",
    security(("bearer" = [])),
    params(
        ("external_id" = ExternalId, Path, description = "The company's own reference for the offer"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Replace only if the offer exists with one of these ETags"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "`*`: create only, never replace"),
    ),
    request_body(content = CreateOffer, content_type = "application/json"),
    responses(
        (status = 200, description = "The offer was replaced, or already was as sent", body = Offer,
            headers(("ETag" = String, description = "Entity tag of the offer"))),
        (status = 201, description = "The offer was created", body = Offer,
            headers(
                ("Location" = String, description = "URL of the new offer"),
                ("ETag" = String, description = "Entity tag of the new offer"),
            )),
        (status = 409, description = "Another request created an offer with this external id at the same moment; retry", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "A precondition failed; nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/cooperation-offers/by-external-id/{external_id}")]
pub async fn put_offer_by_external_id(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    body: JsonBody<CreateOffer>,
) -> Result<HttpResponse, ApiError> {
    let external_id = path_external_id(&req)?;
    let preconditions = Preconditions::of(&req);
    let today = today();
    let mut conn = pool.get().await?;
    let (row, outcome) = upsert::transaction(&mut conn, false, async |conn| {
        upsert_offer(
            conn,
            &caller,
            &catalog,
            &external_id,
            body.0,
            &preconditions,
            today,
        )
        .await
    })
    .await?;
    let location = format!("/api/v1/cooperation-offers/{}", row.id);
    let offer = Tagged::new(&Offer::from_row(row, today))?;
    Ok(upsert::respond(outcome, location, offer))
}

/// Import cooperation offers
///
/// Loads a company's offers (a chamber of commerce's marketplace, a CRM's export) in bulk: the body is NDJSON (`application/x-ndjson`, one JSON object per
/// line, as for `POST /api/v1/cooperation-offers`, each with its `external_id`), up to 100,000 lines, read as it
/// arrives. Each line creates or replaces the offer of the line's `company_id` by its external id, as
/// `PUT /api/v1/cooperation-offers/by-external-id/{external_id}` does, in a transaction of its own: an error on one line (its problem is in
/// its result) never stops the others, and a line that changes nothing writes nothing. The
/// response streams one result per line, in order, as NDJSON (or CSV with `Accept:
/// text/csv`): `created`, `updated`, `unchanged` or `error` with the problem. `dry_run=true` checks every line the same way
/// and writes nothing. Re-running an import is safe: it is idempotent by external id (so no
/// `Idempotency-Key` is taken).
///
/// Needs a key: editors and admins may import offers of any company, a company key only its own (the lines of another company are 403 errors).
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "importCooperationOffers",
    security(("bearer" = [])),
    params(ImportParams),
    request_body(content = NdjsonLines, content_type = "application/octet-stream",
        description = "NDJSON: one offer per line, each a `CreateOffer` with its `external_id`. Send it as `application/x-ndjson` (or `application/octet-stream`, which generated clients send)"),
    responses(
        (status = 200, description = "One result per line, streamed as the lines are imported: NDJSON, or CSV with `Accept: text/csv` (columns line, external_id, result, id, status, detail)", content(
            (ImportLine = "application/x-ndjson"),
            (String = "text/csv"),
        )),
    ),
)]
#[post("/cooperation-offers/import")]
pub async fn import_offers(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    params: Query<ImportParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let writer = OfferImport {
        caller: caller.clone(),
        catalog,
        today: today(),
    };
    imports::import(&req, &caller, &pool, payload, params.0.dry_run, writer).await
}

/// Export cooperation offers
///
/// Every offer the filters of `GET /api/v1/cooperation-offers` select, as the list shows it, in one
/// streamed response: NDJSON (one object per line) or CSV (`output=csv` or `Accept:
/// text/csv`; a header row of the fields, lists joined with `;`, objects as JSON, text a
/// spreadsheet would run as a formula prefixed with `'`). In the list's order (`sort`), read
/// a page at a time, so exports of any size take constant memory on both sides; not paged.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "exportCooperationOffers",
    params(OfferExportParams),
    responses(
        (status = 200, description = "Every offer selected, one per line", content(
            (Offer = "application/x-ndjson"),
            (String = "text/csv"),
        ), headers(("Content-Disposition" = String, description = "`attachment; filename=\"cooperation-offers.ndjson\"` (or `.csv`)"))),
    ),
)]
#[get("/cooperation-offers/export")]
pub async fn export_offers(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    params: Query<OfferExportParams>,
) -> Result<HttpResponse, ApiError> {
    let format = exports::format(&req)?;
    let params = params.0.0;
    let sort = params.sort.unwrap_or_default();
    let filter = parse_filter(&caller, &catalog, params)?;
    let conn = pool.get().await?;
    let today = today();
    let mut after = None;
    let next_page = async move |conn: &mut AsyncPgConnection| {
        let mut rows = store::list(conn, &filter, sort, after, exports::PAGE, today).await?;
        rows.truncate(exports::PAGE as usize);
        after = rows.last().map(|row| (sort.key_of(row), row.id));
        Ok(rows
            .into_iter()
            .map(|row| Offer::from_row(row, today))
            .collect())
    };
    let columns = exports::columns::<Offer>();
    Ok(exports::export(
        conn,
        format,
        columns,
        "cooperation-offers",
        next_page,
    ))
}

/// Get a cooperation offer
///
/// A published offer past `valid_until` reads as `expired`. Drafts, closed and expired offers
/// are seen only by their company's key, editors and admins: for anyone else they do not
/// exist (404).
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "getCooperationOffer",
    params(
        ("id" = Uuid, Path, description = "Offer id"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The offer", body = Offer,
            headers(("ETag" = String, description = "Entity tag of the offer"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No offer has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/cooperation-offers/{id}")]
pub async fn get_offer(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let today = today();
    let mut conn = pool.get().await?;
    let row = visible_offer(&mut conn, &caller, id.0, today).await?;
    Ok(Tagged::new(&Offer::from_row(row, today))?.respond(&req))
}

/// Update a cooperation offer
///
/// A JSON merge patch (RFC 7396). `status` follows the lifecycle draft → published → closed
/// (a draft may be closed directly); any other move, such as closed → draft, is a 422.
/// Publishing sets `published_at`. `company_id` cannot be changed.
///
/// Needs an editor or admin key, or the key of the offer's company.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "updateCooperationOffer",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Offer id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Apply only if the offer still has one of these ETags"),
    ),
    request_body(content(
        (UpdateOffer = "application/merge-patch+json"),
        (UpdateOffer = "application/json"),
    )),
    responses(
        (status = 200, description = "The updated offer", body = Offer,
            headers(("ETag" = String, description = "Entity tag of the updated offer"))),
        (status = 404, description = "No offer has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new `external_id` is taken: another offer of the company has it; nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The offer changed since the client read it; nothing was changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/cooperation-offers/{id}")]
pub async fn update_offer(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    id: PathId,
    body: JsonBody<UpdateOffer>,
) -> Result<HttpResponse, ApiError> {
    let id = id.0;
    let patch = body.0;
    let if_match = if_match(req.headers());
    let today = today();
    let mut conn = pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::find_for_update(conn, id)
                .await
                .optional()?
                .filter(|row| row.is_visible_to(&caller, today))
                .ok_or_else(|| offer_missing(id))?;
            caller.require_owner(Some(current.company_id))?;
            let etag = Tagged::new(&Offer::from_row(current.clone(), today))?.etag;
            let mut errors = Errors::default();
            let draft = patch.apply(&current, &mut errors).parse(&catalog, errors)?;
            check_if_match(if_match.as_ref(), &etag)?;
            let row = draft.into_row(id, current.created_at, Utc::now(), current.published_at);
            store::update(conn, &row)
                .await
                .map_err(ApiError::rejected(REFS, UNIQUE))
        })
        .await?;
    Ok(Tagged::new(&Offer::from_row(row, today))?.with_status(HttpResponse::Ok()))
}

/// Delete a cooperation offer
///
/// Needs an editor or admin key, or the key of the offer's company.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "deleteCooperationOffer",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Offer id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Delete only if the offer still has one of these ETags"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No offer has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Companies have expressed interest in the offer (close it instead)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The offer changed since the client read it; nothing was deleted", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/cooperation-offers/{id}")]
pub async fn delete_offer(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.0;
    let if_match = if_match(req.headers());
    let mut conn = pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let today = today();
        let current = store::find_for_update(conn, id)
            .await
            .optional()?
            .filter(|row| row.is_visible_to(&caller, today))
            .ok_or_else(|| offer_missing(id))?;
        caller.require_owner(Some(current.company_id))?;
        check_if_match(
            if_match.as_ref(),
            &Tagged::new(&Offer::from_row(current, today))?.etag,
        )?;
        store::delete(conn, id).await.map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => ApiError::conflict(
                "companies have expressed interest in this offer: close it instead of deleting it",
            ),
            other => other.into(),
        })?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List cooperation offers
///
/// By default only published, unexpired offers; `status` selects others. Filters combine.
/// Drafts, closed and expired offers are listed only for their company's key, editors and
/// admins; for anyone else such a `status` lists nothing.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "listCooperationOffers",
    params(OfferListParams),
    responses(
        (status = 200, description = "One page of offers", body = Page<Offer>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
    ),
)]
#[get("/cooperation-offers")]
pub async fn list_offers(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    params: Query<OfferListParams>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    offer_page(&req, &caller, &mut conn, &catalog, params.0).await
}

/// Facets of cooperation offers
///
/// How many offers the list would return with these filters, and how they spread over each
/// filterable field: kind, sector, cooperation type, target country and the company's
/// country — a filter panel in one call. Takes the filters of `GET /api/v1/cooperation-offers`
/// with the same rules (by default published, unexpired offers; drafts, closed and expired
/// ones only for those who may see them). Counts are recounted in the background once they
/// are 5 seconds old (up to a minute for filters that take long to count, such as the whole
/// market of a large marketplace), so they may lag the offers by that much; never by more
/// than two minutes.
#[utoipa::path(
    tag = "cooperation-offers",
    operation_id = "getCooperationOfferFacets",
    params(OfferFacetParams),
    responses(
        (status = 200, description = "The counts", body = OfferFacets),
    ),
)]
#[get("/cooperation-offers/facets")]
pub async fn offer_facets(
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    cache: web::Data<FacetCache>,
    params: Query<OfferFacetParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = parse_filter(&caller, &catalog, params.0.0)?;
    let today = today();
    // The filter and the day decide the answer; the caller's scope too, unless only listed
    // offers are counted (what anyone may see).
    let key = if filter.status == StatusFilter::Published {
        format!(
            "{:?}{today}",
            OfferFilter {
                scope: Scope::Public,
                ..filter.clone()
            }
        )
    } else {
        format!("{filter:?}{today}")
    };
    let facets = match cache.lookup(&key) {
        Lookup::Fresh(facets) => facets,
        Lookup::Stale(facets) => {
            actix_web::rt::spawn(async move {
                let started = std::time::Instant::now();
                let counted = count_facets(&pool, &filter, today).await;
                if let Err(e) = &counted {
                    log::warn!("recounting offer facets failed (the next request retries): {e}");
                }
                cache.refreshed(&key, started, counted.ok());
            });
            facets
        }
        Lookup::Missing(cell) => {
            FacetCache::wait(&cell, || count_facets(&pool, &filter, today)).await?
        }
    };
    Ok(HttpResponse::Ok()
        .content_type(header::ContentType::json())
        .body(facets))
}

/// The whole market from the counts kept as offers change; any other filter offer by offer.
/// Returns them as the JSON body they are sent as.
async fn count_facets(
    pool: &DbPool,
    filter: &OfferFilter,
    today: chrono::NaiveDate,
) -> Result<Bytes, ApiError> {
    let mut conn = pool.get().await?;
    let facets: OfferFacets = if filter.whole_market() {
        store::facets::market_facet_counts(&mut conn, today).await?
    } else {
        store::facets::facet_counts(&mut conn, filter, today).await?
    };
    serde_json::to_vec(&facets)
        .map(Bytes::from)
        .map_err(ApiError::internal)
}
