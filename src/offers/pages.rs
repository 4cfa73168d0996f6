//! The reads of offers that several routes share: a page of offers for a list request (the
//! offer list, a company's offers), and one offer read on a caller's behalf.

use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::types::{Offer, OfferListParams};
use crate::auth::Caller;
use crate::http::listing::{parse_country, parse_enum_param, parse_id, parse_q};
use crate::http::pagination::{after_time, parse_limit};
use crate::http::{ApiError, Cursor, Page};
use coop_domain::offers::{OfferSort, today};
use coop_store::offers::{self as store, OfferFilter, OfferRow};
use coop_store::sectors::SectorCatalog;

/// One page of offers for a list request.
pub async fn offer_page(
    req: &HttpRequest,
    caller: &Caller,
    conn: &mut AsyncPgConnection,
    catalog: &SectorCatalog,
    p: OfferListParams,
) -> Result<HttpResponse, ApiError> {
    let limit = parse_limit(p.limit.as_deref())?;
    let sort: OfferSort = parse_enum_param("sort", p.sort.as_deref())?.unwrap_or_default();
    let sort_name: &'static str = sort.into();
    let after = after_time(p.cursor.as_deref(), sort_name)?;
    let filter = parse_filter(caller, catalog, p)?;
    let today = today();
    let rows = store::list(conn, &filter, sort, after, limit, today).await?;
    let page = Page::from_rows(
        rows,
        limit,
        |row| Cursor::at_time(sort_name, row.created_at, row.id),
        |row| Offer::from_row(row, today),
    );
    Ok(page.respond(req))
}

/// The list filters of a request, parsed.
pub fn parse_filter(
    caller: &Caller,
    catalog: &SectorCatalog,
    p: OfferListParams,
) -> Result<OfferFilter, ApiError> {
    Ok(OfferFilter {
        company_id: parse_id("company_id", p.company_id.as_deref())?,
        company_country: parse_country("company_country", p.company_country.as_deref())?,
        kind: parse_enum_param("kind", p.kind.as_deref())?,
        cooperation_type: parse_enum_param("cooperation_type", p.cooperation_type.as_deref())?,
        sector: p
            .sector
            .as_deref()
            .map(|s| catalog.parse_param("sector", s))
            .transpose()?,
        target_country: parse_country("target_country", p.target_country.as_deref())?,
        status: parse_enum_param("status", p.status.as_deref())?.unwrap_or_default(),
        event_id: parse_id("event_id", p.event_id.as_deref())?,
        q: parse_q(p.q.as_deref())?,
        scope: caller.scope(),
    })
}

/// The offer `id` if `caller` may see it; otherwise, as when it does not exist, a 404 that
/// does not reveal it.
pub async fn visible_offer(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    id: Uuid,
    today: NaiveDate,
) -> Result<OfferRow, ApiError> {
    store::find_visible(conn, caller, id, today)
        .await?
        .ok_or_else(|| offer_missing(id))
}

/// The 404 of an offer that does not exist or that the caller may not see.
pub fn offer_missing(id: Uuid) -> ApiError {
    ApiError::not_found(format!("no cooperation offer with id {id}"))
}
