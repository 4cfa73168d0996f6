//! Companies: any organisation taking part in events or the marketplace (firms, startups,
//! government bodies, chambers of commerce, universities, foundations, clusters, associations).

pub mod handlers;
pub mod types;
pub mod upsert;

pub use types::Company;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config
        .service(handlers::list_companies)
        .service(handlers::export_companies)
        .service(handlers::create_company)
        .service(handlers::put_company_by_external_id)
        .service(handlers::import_companies)
        .service(handlers::get_company)
        .service(handlers::update_company)
        .service(handlers::delete_company)
        .service(handlers::list_company_events)
        .service(handlers::list_company_speakers)
        .service(handlers::list_company_offers);
}
