//! Events: conferences, teleconferences linking halls in several cities, forums, B2B meetings,
//! with their parts (venues, agenda sessions, speaker appearances, participating companies).

pub mod calendar;
pub mod handlers;
pub mod pages;
pub mod params;
pub mod parts;
pub mod types;
pub mod upsert;

pub use types::Event;

pub fn configure(config: &mut crate::http::routes::Routes) {
    use parts::{appearances as a, participants as p, sessions as s, venues as v};
    config
        .service(handlers::list_events)
        .service(handlers::create_event)
        .service(handlers::put_event_by_external_id)
        // Before `/events/{id}`, which would take `calendar.ics` for an id.
        .service(calendar::get_events_calendar)
        .service(handlers::export_events)
        .service(handlers::get_event)
        .service(calendar::get_event_calendar)
        .service(calendar::get_speaker_calendar)
        .service(handlers::update_event)
        .service(handlers::delete_event)
        .service(v::list_venues)
        .service(v::create_venue)
        .service(v::get_venue)
        .service(v::update_venue)
        .service(v::delete_venue)
        .service(s::list_sessions)
        .service(s::create_session)
        .service(s::get_session)
        .service(s::update_session)
        .service(s::delete_session)
        .service(a::list_appearances)
        .service(a::create_appearance)
        .service(a::get_appearance)
        .service(a::update_appearance)
        .service(a::delete_appearance)
        .service(p::list_participants)
        .service(p::create_participant)
        .service(p::get_participant)
        .service(p::update_participant)
        .service(p::delete_participant);
}
