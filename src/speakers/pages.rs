//! A page of speakers for a list request, shared by the speaker list and a company's
//! speakers.

use actix_web::{HttpRequest, HttpResponse};

use super::types::*;
use crate::auth::Caller;
use crate::http::listing::{NameKeyed, name_cursor, parse_name_listing};
use crate::http::pagination::Rendered;
use crate::http::{ApiError, Page};
use coop_store::speakers::{self as store, SpeakerFilter};

/// One page of speakers for a list request.
pub async fn speaker_page(
    req: &HttpRequest,
    caller: &Caller,
    conn: &mut diesel_async::AsyncPgConnection,
    mut params: SpeakerListParams,
) -> Result<HttpResponse, ApiError> {
    let listing = parse_name_listing(params.limit, params.sort, params.cursor.take())?;
    let filter = speaker_filter(params);
    // Items are what anyone is shown; a caller who may see some contacts is served rows.
    if caller.sees_nothing_private() {
        let items = store::page(conn, &filter, &listing).await?;
        let page = Page::from_rows(
            items,
            listing.limit,
            |item| name_cursor(&listing, item.name_keys()),
            |item| Rendered(item.item),
        );
        return Ok(page.respond_rendered(req));
    }
    let rows = store::list(conn, &filter, &listing).await?;
    let page = Page::from_rows(
        rows,
        listing.limit,
        |row| name_cursor(&listing, row.name_keys()),
        |row| Speaker::from_row(row, caller),
    );
    Ok(page.respond(req))
}

/// The filters of a speaker list request.
pub fn speaker_filter(params: SpeakerListParams) -> SpeakerFilter {
    SpeakerFilter {
        company_id: params.company_id,
        country: params.country,
        q: params.q,
        updated_since: params.updated_since,
        external_id: params.external_id,
    }
}
