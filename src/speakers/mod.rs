//! Speakers: the people who appear at events, with an optional affiliation to a company. Their
//! contact details are stored but never appear in public responses.

pub mod handlers;
pub mod pages;
pub mod types;

pub use types::Speaker;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(handlers::list_speakers)
        .service(handlers::create_speaker)
        .service(handlers::get_speaker)
        .service(handlers::update_speaker)
        .service(handlers::delete_speaker)
        .service(handlers::list_speaker_events);
}
