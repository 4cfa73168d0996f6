//! Matchmaking: which published offers answer an offer or fit a company, with a score and the
//! reasons behind it, so a user understands why something is suggested.

pub mod handlers;
pub mod types;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config
        .service(handlers::offer_matches)
        .service(handlers::company_matches);
}
