//! Speakers: the people who appear at events, with an optional affiliation to a company. Their
//! contact details are stored but never appear in public responses.

pub mod handlers;
pub mod pages;
pub mod types;
pub mod upsert;

pub use types::Speaker;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config
        .service(handlers::list_speakers)
        .service(handlers::export_speakers)
        .service(handlers::create_speaker)
        .service(handlers::put_speaker_by_external_id)
        .service(handlers::get_speaker)
        .service(handlers::update_speaker)
        .service(handlers::delete_speaker)
        .service(handlers::list_speaker_events);
}
