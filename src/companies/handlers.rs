//! Company endpoints: thin handlers that parse the request, call the store and shape the
//! response.

use crate::idempotency;
use crate::replicas::ReadPool;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::Utc;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::types::*;
use super::upsert::{CompanyImport, UNIQUE, upsert_company};
use crate::auth::Caller;
use crate::exports;
use crate::http::listing::{NameKeyed, name_cursor, parse_name_listing, position_after};
use crate::http::pagination::Rendered;
use crate::http::params::Limit;
use crate::http::upsert::{self, Preconditions, path_external_id};
use crate::http::{
    ApiError, JsonBody, Page, PathId, Problem, Query, Tagged, check_if_match, if_match,
};
use crate::imports::{self, ImportLine, ImportParams, NdjsonLines};
use coop_domain::Errors;
use coop_domain::external_id::ExternalId;
use coop_store::companies::{self as store, CompanyFilter};
use coop_store::db::DbPool;
use coop_store::sectors::SectorCatalog;
use diesel_async::AsyncPgConnection;

fn location(id: Uuid) -> String {
    format!("/api/v1/companies/{id}")
}

/// Create a company
///
/// Registers an organisation. The response carries the stored company, its `Location` and its
/// `ETag`. Needs an editor or admin key.
#[utoipa::path(
    tag = "companies",
    operation_id = "createCompany",
    security(("bearer" = [])),
    request_body(content = CreateCompany, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Company,
            headers(
                ("Location" = String, description = "URL of the new company"),
                ("ETag" = String, description = "Entity tag of the new company"),
            )),
        (status = 409, description = "The `external_id` is taken: another company has it", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/companies")]
pub async fn create_company(
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    body: JsonBody<CreateCompany>,
) -> Result<HttpResponse, ApiError> {
    caller.require_staff()?;
    let draft = body.0.parse(&catalog, Errors::default())?;
    let now = Utc::now();
    let row = draft.into_row(Uuid::now_v7(), now, now);
    let mut conn = pool.get().await?;
    let row = idempotency::write(&mut conn, async |conn| {
        store::insert(conn, &row)
            .await
            .map_err(ApiError::rejected(&[], UNIQUE))
    })
    .await?;
    let mut created = HttpResponse::Created();
    created.insert_header((header::LOCATION, location(row.id)));
    Ok(Tagged::new(&Company::from(row))?.with_status(created))
}

/// Create or replace a company by its external id
///
/// The integrator's own reference (`external_id`, unique across the platform) names the
/// company: if no company has it, one is created (201, with `Location`; editors and admins);
/// otherwise that company is replaced by the body (200; also the company's own key), or left
/// as it is when the body changes nothing (200, and no change in the feed). Send `If-Match`
/// with an ETag to replace only that version (412 otherwise, or when nothing exists yet),
/// `If-None-Match: *` to create only. `external_id` in the body, if any, must be the one of
/// the path.
#[utoipa::path(
    tag = "companies",
    operation_id = "putCompanyByExternalId",
    security(("bearer" = [])),
    params(
        ("external_id" = ExternalId, Path, description = "The integrator's own reference for the company"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Replace only if the company exists with one of these ETags"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "`*`: create only, never replace"),
    ),
    request_body(content = CreateCompany, content_type = "application/json"),
    responses(
        (status = 200, description = "The company was replaced, or already was as sent", body = Company,
            headers(("ETag" = String, description = "Entity tag of the company"))),
        (status = 201, description = "The company was created", body = Company,
            headers(
                ("Location" = String, description = "URL of the new company"),
                ("ETag" = String, description = "Entity tag of the new company"),
            )),
        (status = 409, description = "Another request created a company with this external id at the same moment; retry", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "A precondition failed; nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/companies/by-external-id/{external_id}")]
pub async fn put_company_by_external_id(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    body: JsonBody<CreateCompany>,
) -> Result<HttpResponse, ApiError> {
    let external_id = path_external_id(&req)?;
    let preconditions = Preconditions::of(&req);
    let mut conn = pool.get().await?;
    let (row, outcome) = upsert::transaction(&mut conn, false, async |conn| {
        upsert_company(
            conn,
            &caller,
            &catalog,
            &external_id,
            body.0,
            &preconditions,
        )
        .await
    })
    .await?;
    let location = location(row.id);
    Ok(upsert::respond(
        outcome,
        location,
        Tagged::new(&Company::from(row))?,
    ))
}

/// Import companies
///
/// Loads organisations (a chamber of commerce's members, a CRM's accounts) in bulk: the body is NDJSON (`application/x-ndjson`, one JSON object per
/// line, as for `POST /api/v1/companies`, each with its `external_id`), up to 100,000 lines, read as it
/// arrives. Each line creates or replaces the company by its external id, as
/// `PUT /api/v1/companies/by-external-id/{external_id}` does, in a transaction of its own: an error on one line (its problem is in
/// its result) never stops the others, and a line that changes nothing writes nothing. The
/// response streams one result per line, in order, as NDJSON (or CSV with `Accept:
/// text/csv`): `created`, `updated`, `unchanged` or `error` with the problem. `dry_run=true` checks every line the same way
/// and writes nothing. Re-running an import is safe: it is idempotent by external id (so no
/// `Idempotency-Key` is taken).
///
/// Needs a key: editors and admins create and replace; a company key may only replace its own company (other lines are 403 errors).
#[utoipa::path(
    tag = "companies",
    operation_id = "importCompanies",
    security(("bearer" = [])),
    params(ImportParams),
    request_body(content = NdjsonLines, content_type = "application/octet-stream",
        description = "NDJSON: one company per line, each a `CreateCompany` with its `external_id`. Send it as `application/x-ndjson` (or `application/octet-stream`, which generated clients send)"),
    responses(
        (status = 200, description = "One result per line, streamed as the lines are imported: NDJSON, or CSV with `Accept: text/csv` (columns line, external_id, result, id, status, detail)", content(
            (ImportLine = "application/x-ndjson"),
            (String = "text/csv"),
        )),
    ),
)]
#[post("/companies/import")]
pub async fn import_companies(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    params: Query<ImportParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let writer = CompanyImport {
        caller: caller.clone(),
        catalog,
    };
    imports::import(&req, &caller, &pool, payload, params.0.dry_run, writer).await
}

/// Export companies
///
/// Every company the filters of `GET /api/v1/companies` select, as the list shows it, in one
/// streamed response: NDJSON (one object per line) or CSV (`output=csv` or `Accept:
/// text/csv`; a header row of the fields, lists joined with `;`, objects as JSON, text a
/// spreadsheet would run as a formula prefixed with `'`). In the list's order (`sort`), read
/// a page at a time, so exports of any size take constant memory on both sides; not paged.
#[utoipa::path(
    tag = "companies",
    operation_id = "exportCompanies",
    params(CompanyExportParams),
    responses(
        (status = 200, description = "Every company selected, one per line", content(
            (Company = "application/x-ndjson"),
            (String = "text/csv"),
        ), headers(("Content-Disposition" = String, description = "`attachment; filename=\"companies.ndjson\"` (or `.csv`)"))),
    ),
)]
#[get("/companies/export")]
pub async fn export_companies(
    req: HttpRequest,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    params: Query<CompanyExportParams>,
) -> Result<HttpResponse, ApiError> {
    let format = exports::format(&req)?;
    let params = params.0.0;
    let mut listing = parse_name_listing(Limit::of(exports::PAGE), params.sort, None)?;
    let filter = company_filter(&catalog, params)?;
    let conn = pool.get().await?;
    let next_page = async move |conn: &mut AsyncPgConnection| {
        let mut rows = store::list(conn, &filter, &listing).await?;
        rows.truncate(listing.limit as usize);
        if let Some(row) = rows.last() {
            listing.after = position_after(listing.sort, row.name_keys());
        }
        Ok(rows.into_iter().map(Company::from).collect())
    };
    let columns = exports::columns::<Company>();
    Ok(exports::export(
        conn,
        format,
        columns,
        "companies",
        next_page,
    ))
}

/// The filters of a company list request, parsed.
fn company_filter(
    catalog: &SectorCatalog,
    params: CompanyListParams,
) -> Result<CompanyFilter, ApiError> {
    Ok(CompanyFilter {
        sector: params
            .sector
            .map(|code| catalog.parse_param("sector", &code))
            .transpose()?,
        country: params.country,
        kind: params.kind,
        q: params.q,
        updated_since: params.updated_since,
        external_id: params.external_id,
    })
}

/// Get a company
///
/// Answers `304 Not Modified` when `If-None-Match` holds the current `ETag`.
#[utoipa::path(
    tag = "companies",
    operation_id = "getCompany",
    params(
        ("id" = Uuid, Path, description = "Company id"),
        ("If-None-Match" = Option<String>, Header, nullable = false,
            description = "ETags of copies the client holds (`*` or a list of entity tags)"),
    ),
    responses(
        (status = 200, description = "The company", body = Company,
            headers(("ETag" = String, description = "Entity tag of the company"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No company has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/companies/{id}")]
pub async fn get_company(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("company", id.0))?;
    Ok(Tagged::new(&Company::from(row))?.respond(&req))
}

/// Update a company
///
/// A JSON merge patch (RFC 7396): absent fields stay as they are, `null` clears an optional
/// field, and required fields (`name`, `kind`, `country`) cannot be cleared. Send `If-Match`
/// with the `ETag` you read to make sure you do not overwrite someone else's change.
///
/// Needs an editor or admin key, or the company's own key.
#[utoipa::path(
    tag = "companies",
    operation_id = "updateCompany",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Company id"),
        ("If-Match" = Option<String>, Header, nullable = false,
            description = "Apply only if the company still has one of these ETags"),
    ),
    request_body(content(
        (UpdateCompany = "application/merge-patch+json"),
        (UpdateCompany = "application/json"),
    )),
    responses(
        (status = 200, description = "The updated company", body = Company,
            headers(("ETag" = String, description = "Entity tag of the updated company"))),
        (status = 404, description = "No company has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new `external_id` is taken: another company has it; nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The company changed since the client read it (stale If-Match); nothing was changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/companies/{id}")]
pub async fn update_company(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    catalog: web::Data<SectorCatalog>,
    id: PathId,
    body: JsonBody<UpdateCompany>,
) -> Result<HttpResponse, ApiError> {
    let id = id.0;
    caller.require_owner(Some(id))?;
    let patch = body.0;
    let if_match = if_match(req.headers());
    let mut conn = pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::find_for_update(conn, id)
                .await
                .map_err(ApiError::missing("company", id))?;
            let created_at = current.created_at;
            let current = Company::from(current);
            let etag = Tagged::new(&current)?.etag;
            // Invalid content is reported as such (422) whatever the precondition says.
            let mut errors = Errors::default();
            let draft = patch.apply(current, &mut errors).parse(&catalog, errors)?;
            check_if_match(if_match.as_ref(), &etag)?;
            let row = draft.into_row(id, created_at, Utc::now());
            store::update(conn, &row)
                .await
                .map_err(ApiError::rejected(&[], UNIQUE))
        })
        .await?;
    Ok(Tagged::new(&Company::from(row))?.with_status(HttpResponse::Ok()))
}

/// Delete a company
///
/// Answers `409 Conflict` while other resources (speakers, offers, event participations) still
/// refer to the company: nothing is deleted behind the client's back. The company's API keys
/// are deleted with it. Needs an editor or admin key.
#[utoipa::path(
    tag = "companies",
    operation_id = "deleteCompany",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Company id"),
        ("If-Match" = Option<String>, Header, nullable = false,
            description = "Delete only if the company still has one of these ETags"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No company has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Other resources still refer to the company", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The company changed since the client read it (stale If-Match); nothing was deleted", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/companies/{id}")]
pub async fn delete_company(
    req: HttpRequest,
    caller: Caller,
    pool: web::Data<DbPool>,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    caller.require_staff()?;
    let id = id.0;
    let if_match = if_match(req.headers());
    let mut conn = pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = store::find_for_update(conn, id)
            .await
            .map_err(ApiError::missing("company", id))?;
        check_if_match(
            if_match.as_ref(),
            &Tagged::new(&Company::from(current))?.etag,
        )?;
        // The row lock taken above makes these counts final: a new reference to the company
        // would need a key-share lock on it.
        let (speakers, offers, participations) = store::references(conn, id).await?;
        let held: Vec<String> = [
            (speakers, "speaker(s)"),
            (offers, "cooperation offer(s)"),
            (participations, "event participation(s)"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if !held.is_empty() {
            return Err(ApiError::conflict(format!(
                "the company is still referenced by {}; remove or reassign them first",
                held.join(", ")
            )));
        }
        store::delete(conn, id).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List companies
///
/// Filter by country, kind, sector and free text; sort by name or creation time. Pages are
/// linked by an opaque cursor (`next_cursor`, also in the `Link` header).
#[utoipa::path(
    tag = "companies",
    operation_id = "listCompanies",
    params(CompanyListParams),
    responses(
        (status = 200, description = "One page of companies", body = Page<Company>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
    ),
)]
#[get("/companies")]
pub async fn list_companies(
    req: HttpRequest,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    params: Query<CompanyListParams>,
) -> Result<HttpResponse, ApiError> {
    let mut params = params.0;
    let listing = parse_name_listing(params.limit, params.sort, params.cursor.take())?;
    let filter = company_filter(&catalog, params)?;
    let mut conn = pool.get().await?;
    let items = store::page(&mut conn, &filter, &listing).await?;
    let page = Page::from_rows(
        items,
        listing.limit,
        |item| name_cursor(&listing, item.name_keys()),
        |item| Rendered(item.item),
    );
    Ok(page.respond_rendered(&req))
}

/// List the events of a company
///
/// The events where the company takes part (in any role), with the filters, sorting and
/// `expand` of `GET /api/v1/events`.
#[utoipa::path(
    tag = "companies",
    operation_id = "listCompanyEvents",
    params(("id" = Uuid, Path, description = "Company id"), crate::events::params::EventListParams),
    responses(
        (status = 200, description = "One page of events", body = Page<crate::events::types::EventView>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
        (status = 404, description = "No company has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/companies/{id}/events")]
pub async fn list_company_events(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    id: PathId,
    params: Query<crate::events::params::EventListParams>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    store::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("company", id.0))?;
    let scope = coop_store::events::EventFilter {
        company_id: Some(id.0),
        ..Default::default()
    };
    crate::events::pages::event_page(&req, &caller, &mut conn, &catalog, params.0, scope).await
}

/// List the speakers of a company
///
/// The speakers affiliated with the company.
#[utoipa::path(
    tag = "companies",
    operation_id = "listCompanySpeakers",
    params(("id" = Uuid, Path, description = "Company id"), crate::speakers::types::CompanySpeakerParams),
    responses(
        (status = 200, description = "One page of speakers", body = Page<crate::speakers::Speaker>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
        (status = 404, description = "No company has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/companies/{id}/speakers")]
pub async fn list_company_speakers(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    id: PathId,
    params: Query<crate::speakers::types::CompanySpeakerParams>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    store::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("company", id.0))?;
    crate::speakers::pages::speaker_page(&req, &caller, &mut conn, params.0.for_company(id.0)).await
}

/// List the cooperation offers of a company
///
/// By default the published, unexpired ones; `status` selects others.
#[utoipa::path(
    tag = "companies",
    operation_id = "listCompanyCooperationOffers",
    params(("id" = Uuid, Path, description = "Company id"), crate::offers::params::CompanyOfferParams),
    responses(
        (status = 200, description = "One page of offers", body = Page<crate::offers::Offer>,
            headers(("Link" = String, description = "`<url>; rel=\"next\"` when another page follows"))),
        (status = 404, description = "No company has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/companies/{id}/cooperation-offers")]
pub async fn list_company_offers(
    req: HttpRequest,
    caller: Caller,
    pool: ReadPool,
    catalog: web::Data<SectorCatalog>,
    id: PathId,
    params: Query<crate::offers::params::CompanyOfferParams>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    store::find(&mut conn, id.0)
        .await
        .map_err(ApiError::missing("company", id.0))?;
    crate::offers::pages::offer_page(
        &req,
        &caller,
        &mut conn,
        &catalog,
        params.0.for_company(id.0),
    )
    .await
}
