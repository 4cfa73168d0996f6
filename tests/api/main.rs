//! Integration tests: the real server over HTTP against a real PostgreSQL, one database per test.

mod access;
mod calendars;
mod changes;
mod companies;
mod company_lists;
mod demo;
mod events;
mod external_ids;
mod facets;
mod health;
mod helpers;
mod idempotency;
mod interests;
mod keys;
mod limits;
mod markets;
mod matches;
mod offers;
mod openapi;
mod schema;
mod search;
mod sectors;
mod speakers;
mod sync;
mod synthetic;
mod webhooks;
