//! Sectors: the controlled vocabulary of sector codes used by companies, events and offers.
//! Read-only through the API; the codes are seeded and changed by migrations.

pub mod handlers;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config.service(handlers::list_sectors);
}
