//! Matchmaking: which published offers answer an offer or fit a company, with a score and the
//! reasons behind it, so a user understands why something is suggested.

pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(handlers::offer_matches)
        .service(handlers::company_matches);
}
