//! The change feed: every create, update and delete of the API's resources, in commit order,
//! for integrations that keep a copy in sync.

pub mod feed;
pub mod handlers;
pub mod notifier;
pub mod resources;
pub mod types;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config.service(handlers::list_changes);
}
