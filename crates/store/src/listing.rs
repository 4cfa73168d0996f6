//! Keyset pagination in diesel: the condition "after this row", the order of a list, and how
//! many rows a page's statement asks for.

use diesel::dsl;
use diesel::expression::{AsExpression, BoxableExpression, TypedExpressionType};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Bool, SqlType};
use uuid::Uuid;

/// A condition of a boxed query reading `QS`.
pub type Condition<QS> = Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>>;

/// The keyset condition "after (`at`, `after_id`)" in a list ordered by (`key`, `id`),
/// ascending or descending. Besides the exact condition it states the bound on `key` alone,
/// which PostgreSQL can use to start the index scan at the cursor: without it a deep page
/// reads (and throws away) every row before the cursor, as OFFSET would.
pub fn keyset_after<QS, K, I, T>(
    key: K,
    id: I,
    at: T,
    after_id: Uuid,
    descending: bool,
) -> Condition<QS>
where
    K: ExpressionMethods + Copy,
    I: ExpressionMethods + Copy,
    K::SqlType: SqlType + TypedExpressionType,
    I::SqlType: SqlType + TypedExpressionType,
    T: AsExpression<K::SqlType> + Clone,
    Uuid: AsExpression<I::SqlType>,
    dsl::Eq<K, T>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    dsl::GtEq<K, T>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    dsl::Gt<K, T>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    dsl::Gt<I, Uuid>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    dsl::LtEq<K, T>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    dsl::Lt<K, T>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    dsl::Lt<I, Uuid>: BoxableExpression<QS, Pg, SqlType = Bool> + 'static,
    QS: 'static,
{
    let same_key: Condition<QS> = Box::new(key.eq(at.clone()));
    let (bound, beyond, next_id): (Condition<QS>, Condition<QS>, Condition<QS>) = if descending {
        (
            Box::new(key.le(at.clone())),
            Box::new(key.lt(at)),
            Box::new(id.lt(after_id)),
        )
    } else {
        (
            Box::new(key.ge(at.clone())),
            Box::new(key.gt(at)),
            Box::new(id.gt(after_id)),
        )
    };
    Box::new(bound.and(beyond.or(same_key.and(next_id))))
}

/// The row counts a page's statement may ask for when the count is written into its text:
/// a page of `limit` items reads `limit + 1` rows (the last tells whether a next page
/// follows), rounded up to the next of these, so that a connection prepares at most this many
/// statements per shape of query whatever the limits clients send. Callers keep the first
/// `limit` rows and read any beyond as "a next page follows".
pub const PAGE_ROWS: [i64; 7] = [2, 6, 11, 21, 26, 51, 101];

/// A page's query with its row count written into the statement (`LIMIT 21`) instead of
/// bound as a parameter (`LIMIT $3`).
///
/// PostgreSQL plans a prepared statement for its values five times; on each later execution
/// it uses one generic plan if that plan's estimated cost is below the average of the plans
/// made for values (plus a charge for planning them). With the count bound as a parameter the
/// generic plan is costed for a tenth of the matching rows: for a country's hundreds of
/// companies that is far more than a page, the generic plan never wins, and every execution
/// is planned again (in pgbench the company page by country ran at about half the rate with
/// the count bound; docs/PERFORMANCE.md, round six). Written in, the count lets the comparison
/// see the generic plan at its real cost; which plan a connection keeps still depends on the
/// values of its first five executions.
///
/// Only for queries that one index serves in order whatever the values (each filter's
/// `plan_fits_all_values`); the others keep the count as a parameter and are planned for
/// their values, through [`load_page!`].
#[derive(Debug, Clone)]
pub struct LiteralLimit<Q> {
    query: Q,
    rows: i64,
}

impl<Q> LiteralLimit<Q> {
    /// `query` (ordered, with no limit of its own) asking for a page of `limit` items.
    pub fn new(query: Q, limit: i64) -> Self {
        let wanted = limit.saturating_add(1);
        let rows = PAGE_ROWS
            .into_iter()
            .find(|&rows| rows >= wanted)
            .unwrap_or(wanted);
        LiteralLimit { query, rows }
    }
}

impl<Q: Query> Query for LiteralLimit<Q> {
    type SqlType = Q::SqlType;
}

/// Not a static id: the statement cache keys it by its text, which holds the row count.
impl<Q> QueryId for LiteralLimit<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for LiteralLimit<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&self.rows.to_string());
        Ok(())
    }
}

/// Loads a page of `$limit` items (at least `$limit + 1` rows when there are, so the caller
/// can tell whether another page follows) of `$query`, ordered and with no limit of its own:
/// with the row count written into the statement when `$fits_all_values` (the query's best plan
/// does not depend on its values: one generic plan serves them all), bound as a parameter
/// otherwise (PostgreSQL plans each execution for its values). See [`LiteralLimit`].
macro_rules! load_page {
    ($query:expr, $limit:expr, $fits_all_values:expr, $conn:expr) => {{
        let limit: i64 = $limit;
        if $fits_all_values {
            $crate::listing::LiteralLimit::new($query, limit)
                .load($conn)
                .await
        } else {
            $query.limit(limit + 1).load($conn).await
        }
    }};
}

pub(crate) use load_page;

/// Whether one plan serves a list of named resources for every value of its filters: no
/// filter (an index yields each sort's order), or one filter of `leading` alone with the list
/// sorted by name (each has an index that leads with it, then the name). `value_dependent`:
/// whether a filter is set whose share of the rows depends on its value (sets, text searches,
/// time bounds); PostgreSQL plans those for their values, and so a pair of filters or another
/// sort. See [`LiteralLimit`].
pub(crate) fn name_list_fits_all_values(
    leading: &[bool],
    value_dependent: bool,
    sort: coop_domain::listing::NameSort,
) -> bool {
    if value_dependent {
        return false;
    }
    match leading.iter().filter(|&&set| set).count() {
        0 => true,
        1 => sort.by_name(),
        _ => false,
    }
}

/// Applies a [`NameListing`]'s keyset condition and order to a boxed diesel query over a table
/// with `sort_name`, `created_at`, `updated_at` and `id` columns; [`load_page!`] adds the
/// limit.
///
/// A macro rather than a function: as a function, generic over the table, it needs a bound
/// for each of the eighteen comparisons and orderings it builds, which says less than the
/// body below.
macro_rules! apply_name_listing {
    ($query:expr, $listing:expr, $sort_name:expr, $created_at:expr, $updated_at:expr, $id:expr) => {{
        use coop_domain::listing::{NameSort, Position};
        use $crate::listing::keyset_after;
        let listing: &coop_domain::listing::NameListing = $listing;
        let descending = listing.sort.descending();
        let query = match listing.after.clone() {
            Position::Start => $query,
            Position::Name(key, id) => {
                $query.filter(keyset_after($sort_name, $id, key, id, descending))
            }
            Position::Time(at, id) => match listing.sort {
                NameSort::UpdatedAt | NameSort::UpdatedAtDesc => {
                    $query.filter(keyset_after($updated_at, $id, at, id, descending))
                }
                _ => $query.filter(keyset_after($created_at, $id, at, id, descending)),
            },
        };
        let query = match listing.sort {
            NameSort::Name => query.order(($sort_name.asc(), $id.asc())),
            NameSort::NameDesc => query.order(($sort_name.desc(), $id.desc())),
            NameSort::CreatedAt => query.order(($created_at.asc(), $id.asc())),
            NameSort::CreatedAtDesc => query.order(($created_at.desc(), $id.desc())),
            NameSort::UpdatedAt => query.order(($updated_at.asc(), $id.asc())),
            NameSort::UpdatedAtDesc => query.order(($updated_at.desc(), $id.desc())),
        };
        query
    }};
}

pub(crate) use apply_name_listing;

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use diesel::pg::Pg;
    use diesel::prelude::*;
    use uuid::Uuid;

    use super::keyset_after;
    use crate::schema::cooperation_interests::dsl as i;

    fn condition_sql(descending: bool) -> String {
        let at = DateTime::from_timestamp_micros(0).unwrap();
        let query = crate::schema::cooperation_interests::table
            .select(i::id)
            .into_boxed()
            .filter(keyset_after(
                i::created_at,
                i::id,
                at,
                Uuid::nil(),
                descending,
            ));
        let sql = diesel::debug_query::<Pg, _>(&query).to_string();
        let start = sql.find(" WHERE ").unwrap() + " WHERE ".len();
        sql[start..].split(" -- binds").next().unwrap().to_string()
    }

    #[test]
    fn a_page_asks_for_one_row_more_than_its_limit_rounded_up_to_a_few_counts() {
        let rows = |limit| super::LiteralLimit::new((), limit).rows;
        assert_eq!(
            [1, 5, 10, 19, 20, 21, 25, 30, 50, 99, 100, 500].map(rows),
            [2, 6, 11, 21, 21, 26, 26, 51, 51, 101, 101, 501]
        );
    }

    #[test]
    fn a_literal_limit_ends_the_statement_and_keeps_it_cacheable() {
        let query = super::LiteralLimit::new(
            crate::schema::cooperation_interests::table
                .select(i::id)
                .order(i::id)
                .into_boxed::<Pg>(),
            20,
        );
        let sql = diesel::debug_query::<Pg, _>(&query).to_string();
        assert!(
            sql.ends_with(r#"ORDER BY "cooperation_interests"."id" LIMIT 21 -- binds: []"#),
            "{sql}"
        );
        assert!(
            diesel::query_builder::QueryFragment::<Pg>::is_safe_to_cache_prepared(&query, &Pg)
                .unwrap()
        );
    }

    #[test]
    fn the_keyset_condition_bounds_the_key_alone_before_the_exact_condition() {
        let (key, id) = (
            r#""cooperation_interests"."created_at""#,
            r#""cooperation_interests"."id""#,
        );
        assert_eq!(
            condition_sql(false),
            format!("(({key} >= $1) AND (({key} > $2) OR (({key} = $3) AND ({id} > $4))))")
        );
        assert_eq!(
            condition_sql(true),
            format!("(({key} <= $1) AND (({key} < $2) OR (({key} = $3) AND ({id} < $4))))")
        );
    }
}
