//! The reads of offers that several routes share: a page of offers for a list request (the
//! offer list, a company's offers), and one offer read on a caller's behalf.

use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::params::OfferListParams;
use super::types::Offer;
use crate::auth::Caller;
use crate::http::pagination::Rendered;
use crate::http::pagination::after_time;
use crate::http::{ApiError, Cursor, Page};
use coop_domain::offers::{OfferSort, today};
use coop_store::offers::{self as store, Listed, OfferFilter, OfferRow, SortKey};
use coop_store::sectors::SectorCatalog;

/// One page of offers for a list request.
pub async fn offer_page(
    req: &HttpRequest,
    caller: &Caller,
    conn: &mut AsyncPgConnection,
    catalog: &SectorCatalog,
    mut p: OfferListParams,
) -> Result<HttpResponse, ApiError> {
    let limit = p.limit.get();
    let sort: OfferSort = p.sort.unwrap_or_default();
    let sort_name: &'static str = sort.into();
    let after = after_time(p.cursor.take(), sort_name)?;
    let filter = parse_filter(caller, catalog, p)?;
    let today = today();
    Ok(
        match store::page(conn, &filter, sort, after, limit, today).await? {
            Listed::Rows(rows) => Page::from_rows(
                rows,
                limit,
                |row| Cursor::at_time(sort_name, sort.key_of(row), row.id),
                |row| Offer::from_row(row, today),
            )
            .respond(req),
            // Items are listed offers by creation, the sort key of their cursor.
            Listed::Items(items) => Page::from_rows(
                items,
                limit,
                |item| Cursor::at_time(sort_name, item.created_at, item.id),
                |item| Rendered(item.item),
            )
            .respond_rendered(req),
        },
    )
}

/// The list filters of a request, parsed.
pub fn parse_filter(
    caller: &Caller,
    catalog: &SectorCatalog,
    p: OfferListParams,
) -> Result<OfferFilter, ApiError> {
    Ok(OfferFilter {
        company_id: p.company_id,
        company_country: p.company_country,
        kind: p.kind,
        cooperation_type: p.cooperation_type,
        sector: p
            .sector
            .as_deref()
            .map(|s| catalog.parse_param("sector", s))
            .transpose()?,
        target_country: p.target_country,
        status: p.status.unwrap_or_default(),
        event_id: p.event_id,
        q: p.q,
        external_id: p.external_id,
        updated_since: p.updated_since,
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
