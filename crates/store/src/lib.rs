//! The cooperation platform's store: the diesel schema, the rows as stored, the queries as
//! functions over `&mut AsyncPgConnection` returning `QueryResult`, the long SQL statements in
//! `sql/` files, and the database itself (pool, migrations, embedded PostgreSQL launcher).
//! It knows the domain's values and rules and nothing of HTTP.

pub mod companies;
pub mod db;
pub mod event_parts;
pub mod events;
pub mod interests;
pub mod keys;
pub mod listing;
pub mod matches;
pub mod offers;
pub mod schema;
pub mod search;
pub mod search_sql;
pub mod sectors;
pub mod seed;
pub mod speakers;
