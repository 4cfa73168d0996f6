//! The cooperation platform's store: the diesel schema, the rows as stored, the queries as
//! functions over `&mut AsyncPgConnection` returning `QueryResult`, the long SQL statements in
//! `sql/` files, and the database itself (pool, migrations, embedded PostgreSQL launcher).
//! It knows the domain's values and rules and nothing of HTTP.
//!
//! A row struct is the one declaration of its table's columns: it derives `Selectable`
//! (reads), `Insertable` and `AsChangeset` (writes). Every column is written, `None` as NULL
//! (`treat_none_as_null`) and never as `DEFAULT` (`treat_none_as_default_value = false`, so an
//! insert's text is the same for every row and PostgreSQL prepares it once); the columns
//! fixed at creation are `#[diesel(skip_update)]`. A column of the schema that no row reads
//! fails `every_row_reads_every_column_of_its_table`.

pub mod backlog;
pub mod changes;
pub mod companies;
pub mod db;
pub mod event_parts;
pub mod events;
pub mod idempotency;
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
pub mod webhooks;

#[cfg(test)]
mod tests;
