//! A page of speakers for a list request, shared by the speaker list and a company's
//! speakers.

use actix_web::{HttpRequest, HttpResponse};

use super::types::*;
use crate::auth::Caller;
use crate::http::listing::{name_cursor, parse_country, parse_id, parse_name_listing, parse_q};
use crate::http::{ApiError, Page};
use coop_store::speakers::{self as store, SpeakerFilter};

/// One page of speakers for a list request.
pub async fn speaker_page(
    req: &HttpRequest,
    caller: &Caller,
    conn: &mut diesel_async::AsyncPgConnection,
    params: SpeakerListParams,
) -> Result<HttpResponse, ApiError> {
    let listing = parse_name_listing(
        params.limit.as_deref(),
        params.sort.as_deref(),
        params.cursor.as_deref(),
    )?;
    let filter = SpeakerFilter {
        company_id: parse_id("company_id", params.company_id.as_deref())?,
        country: parse_country("country", params.country.as_deref())?,
        q: parse_q(params.q.as_deref())?,
    };
    let rows = store::list(conn, &filter, &listing).await?;
    let page = Page::from_rows(
        rows,
        listing.limit,
        |row| name_cursor(&listing, &row.sort_name, row.created_at, row.id),
        |row| Speaker::from_row(row, caller),
    );
    Ok(page.respond(req))
}
