//! Keyset pagination in diesel: the condition "after this row" and the order of a list.

use diesel::dsl;
use diesel::expression::{AsExpression, BoxableExpression, TypedExpressionType};
use diesel::pg::Pg;
use diesel::prelude::*;
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

/// Applies a [`NameListing`]'s keyset condition, order and limit (plus one, to detect a next
/// page) to a boxed diesel query over a table with `sort_name`, `created_at`, `updated_at` and
/// `id` columns.
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
        query.limit(listing.limit + 1)
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
