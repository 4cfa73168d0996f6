//! Search: `GET /api/v1/search` across resources, and the `q` parameter of every list.
//!
//! PostgreSQL does the work (see the search migration): generated tsvector columns with the
//! French, English and Russian stems and the ASCII transliteration of each text, GIN indexes,
//! and pg_trgm for names typed with a typo. The search text is parsed by
//! `coop_domain::search::SearchText`; this module runs the search and cuts snippets.

mod handlers;
pub mod snippet;
pub mod types;

pub fn configure(config: &mut crate::http::routes::Routes) {
    config.service(handlers::search);
}
