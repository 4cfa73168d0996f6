//! The SQL pieces of search for diesel: PostgreSQL's text-search types, the `@@` and `<%`
//! operators, and the query function the search migration defines.

use diesel::BoolExpressionMethods;
use diesel::dsl::AsExprOf;
use diesel::expression::{AsExpression, BoxableExpression};
use diesel::pg::Pg;
use diesel::sql_types::{Array, Bool, Text};

use crate::listing::Condition;
use coop_domain::search::SearchText;

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

/// The tsquery of `q`'s words.
fn query_of(q: &SearchText) -> coop_search_query<Vec<String>, Vec<String>> {
    coop_search_query(q.words.clone(), q.folded.clone())
}

/// The `q` condition of a list: the text matches every word (stemmed, in any script).
pub fn text_matches<QS, V>(q: &SearchText, search_vector: V) -> Condition<QS>
where
    Matches<V, coop_search_query<Vec<String>, Vec<String>>>:
        BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
{
    Box::new(matches(search_vector, query_of(q)))
}

/// The `q` condition of a list of people or organisations: the text matches every word, or the
/// name (given as its folded text) resembles the whole text (typos, variant
/// transliterations).
pub fn text_or_name_matches<QS, V, N>(
    q: &SearchText,
    search_vector: V,
    search_text: N,
) -> Condition<QS>
where
    Matches<V, coop_search_query<Vec<String>, Vec<String>>>:
        BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    WordSimilar<AsExprOf<String, Text>, N>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    QS: 'static,
{
    let name = word_similar(
        <String as AsExpression<Text>>::as_expression(q.whole.clone()),
        search_text,
    );
    Box::new(text_matches(q, search_vector).or(Box::new(name) as Condition<QS>))
}

/// The two folded-text columns of a searchable table (`search_text`, `search_body`) set to
/// the values derived from a row: written with every insert and update, read only by search.
pub type SearchColumns<T, B> = (diesel::dsl::Eq<T, String>, diesel::dsl::Eq<B, String>);
