//! Expressions of interest: how a match becomes a conversation between two companies.

pub mod handlers;
pub mod types;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config
        .service(handlers::create_interest)
        .service(handlers::list_interests)
        .service(handlers::get_interest)
        .service(handlers::decide_interest);
}
