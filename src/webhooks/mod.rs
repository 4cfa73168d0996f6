//! Webhooks: subscriptions that receive the change feed as signed HTTP POSTs (the Standard
//! Webhooks specification), with retries, a delivery log and an SSRF guard.

pub mod delivery;
pub mod handlers;
pub mod signing;
pub mod target;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(handlers::create_webhook)
        .service(handlers::list_webhooks)
        .service(handlers::get_webhook)
        .service(handlers::update_webhook)
        .service(handlers::delete_webhook)
        .service(handlers::rotate_secret)
        .service(handlers::list_deliveries)
        .service(handlers::redeliver);
}
