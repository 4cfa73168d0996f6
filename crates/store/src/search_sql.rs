//! The SQL pieces of search for diesel: PostgreSQL's text-search types, the `@@` and `<%`
//! operators, and the query function the search migration defines.

use diesel::pg::Pg;
use diesel::sql_types::{Array, Text};

/// PostgreSQL's `tsvector`.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(name = "tsvector"))]
pub struct TsVector;

/// PostgreSQL's `tsquery`.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(name = "tsquery"))]
pub struct TsQuery;

diesel::infix_operator!(Matches, " @@ ", backend: Pg);
// pg_trgm: the left text resembles some stretch of words of the right one
// (`word_similarity` at least `pg_trgm.word_similarity_threshold`, 0.6).
diesel::infix_operator!(WordSimilar, " <% ", backend: Pg);

/// `left @@ right`.
pub fn matches<L, R>(left: L, right: R) -> Matches<L, R> {
    Matches::new(left, right)
}

/// `left <% right`.
pub fn word_similar<L, R>(left: L, right: R) -> WordSimilar<L, R> {
    WordSimilar::new(left, right)
}

diesel::define_sql_function! {
    /// The tsquery of a search's words (see the search migration).
    fn coop_search_query(words: Array<Text>, folded: Array<Text>) -> TsQuery;
}

/// The `q` condition of a list: the text matches every word (stemmed, in any script), or
/// (given the name's folded text: people and organisations) the name resembles the whole
/// text (typos, variant transliterations).
macro_rules! search_condition {
    ($q:expr, $search_vector:expr) => {{
        let q: &coop_domain::search::SearchText = $q;
        $crate::search_sql::matches(
            $search_vector,
            $crate::search_sql::coop_search_query(q.words.clone(), q.folded.clone()),
        )
    }};
    ($q:expr, $search_vector:expr, $search_text:expr) => {{
        use diesel::BoolExpressionMethods;
        let q: &coop_domain::search::SearchText = $q;
        $crate::search_sql::matches(
            $search_vector,
            $crate::search_sql::coop_search_query(q.words.clone(), q.folded.clone()),
        )
        .or($crate::search_sql::word_similar(
            <String as diesel::expression::AsExpression<diesel::sql_types::Text>>::as_expression(
                q.whole.clone(),
            ),
            $search_text,
        ))
    }};
}

pub(crate) use search_condition;
