//! Cooperation offers: what a company offers or looks for abroad (distribution, licensing,
//! investment, R&D partnership...), with a draft → published → closed lifecycle.

pub mod facets;
pub mod handlers;
pub mod pages;
pub mod params;
pub mod types;
pub mod upsert;

pub use types::Offer;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config
        .service(handlers::list_offers)
        // Before `{id}`, which would take `facets` for an id.
        .service(handlers::offer_facets)
        .service(handlers::export_offers)
        .service(handlers::create_offer)
        .service(handlers::put_offer_by_external_id)
        .service(handlers::import_offers)
        .service(handlers::get_offer)
        .service(handlers::update_offer)
        .service(handlers::delete_offer);
}
