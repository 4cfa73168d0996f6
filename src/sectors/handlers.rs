use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::http::Page;
use coop_store::sectors::{Sector, SectorCatalog};

/// List sectors
///
/// The controlled vocabulary of sector codes that companies, events and cooperation offers use,
/// ordered by code. The list is short and fixed, so it comes in one page.
#[utoipa::path(
    tag = "sectors",
    operation_id = "listSectors",
    responses((status = 200, description = "All sectors", body = Page<Sector>)),
)]
#[get("/sectors")]
pub async fn list_sectors(req: HttpRequest, catalog: web::Data<SectorCatalog>) -> HttpResponse {
    Page {
        items: catalog.all().cloned().collect::<Vec<_>>(),
        next_cursor: None,
    }
    .respond(&req)
}
