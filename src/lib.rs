//! Cooperation platform API: international business-cooperation events, their speakers and
//! organisations, and the marketplace of cooperation offers around them.
//!
//! `startup` builds the server, `db` owns the database (pool, migrations, embedded
//! PostgreSQL), `http` holds the cross-cutting HTTP pieces, and each resource lives in its own
//! folder with handlers, store and types.

pub mod auth;
pub mod changes;
pub mod companies;
pub mod config;
pub mod demo;
pub mod events;
pub mod exports;
pub mod health;
pub mod http;
pub mod idempotency;
pub mod imports;
pub mod interests;
pub mod logging;
pub mod matches;
pub mod memory;
pub mod metrics;
pub mod offers;
pub mod openapi;
pub mod replicas;
pub mod search;
pub mod sectors;
pub mod speakers;
pub mod startup;
pub mod synthetic;
pub mod webhooks;

#[cfg(test)]
mod layers;
