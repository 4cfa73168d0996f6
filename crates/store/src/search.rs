//! The search queries, one per type. Each reads three tiers, best first — the name matches
//! every word; the name resembles the text (pg_trgm); the text matches every word — each cut
//! at the page size, the first and last newest first, the middle one most similar first.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::result::QueryResult;
use diesel::sql_types::{Array, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::prepared::{Bind, Params, Sql};
use coop_domain::search::HitType;
use coop_domain::search::SearchText;

/// A row of a search query.
#[derive(Debug, QueryableByName)]
pub struct HitRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub tier: i32,
    /// How much the name resembles the text (tier 2), else 0.
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub similarity: f64,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::Nullable<diesel::sql_types::Text>>)]
    pub fields: Vec<Option<String>>,
}

/// Where a page starts: after the hit with this tier, name similarity (tier 2 only),
/// creation time and id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct After {
    pub tier: i32,
    pub similarity: f64,
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

/// What each type shows and who may see what.
struct Shape {
    table: &'static str,
    name: &'static str,
    /// The snippet's fields, in the order they are tried (named by [`field_names`]).
    fields: &'static str,
    /// Only what anyone may read: drafts and unlisted offers stay out of search.
    visible: &'static str,
    /// Whether names that merely resemble the text count (people and organisations; a title
    /// that looks like the text is no answer, and "medicl" resembles thousands of them).
    similar_names: bool,
}

/// The fields of `Shape::fields`, by name, per type.
pub fn field_names(t: HitType) -> &'static [&'static str] {
    match t {
        HitType::Companies => &["name", "native_name", "city", "description"],
        HitType::Speakers => &["full_name", "native_name", "position", "bio"],
        HitType::Events => &["title", "description"],
        HitType::CooperationOffers => &["title", "summary", "description"],
    }
}

fn shape(t: HitType) -> Shape {
    match t {
        HitType::Companies => Shape {
            table: "companies",
            name: "name",
            fields: "ARRAY[t.name, t.native_name, t.city, t.description]",
            visible: "true",
            similar_names: true,
        },
        HitType::Speakers => Shape {
            table: "speakers",
            name: "full_name",
            fields: "ARRAY[t.full_name, t.native_name, t.position, t.bio]",
            visible: "true",
            similar_names: true,
        },
        HitType::Events => Shape {
            table: "events",
            name: "title",
            fields: "ARRAY[t.title, t.description]",
            visible: "t.status <> 'draft'",
            similar_names: false,
        },
        HitType::CooperationOffers => Shape {
            table: "cooperation_offers",
            name: "title",
            fields: "ARRAY[t.title, t.summary, t.description]",
            visible: "coop_offer_listed(t.status, t.valid_until, $today)",
            similar_names: false,
        },
    }
}

/// The search statement of a type: `sql/search.sql` with the type's markers filled in.
fn sql(t: HitType) -> String {
    let Shape {
        table,
        name,
        fields,
        visible,
        similar_names,
    } = shape(t);
    let template = include_str!("../sql/search.sql");
    let (before, rest) = template
        .split_once("{{#similar_names}}\n")
        .unwrap_or((template, ""));
    let (similar, after) = rest
        .split_once("{{/similar_names}}\n")
        .unwrap_or(("", rest));
    let similar = if similar_names { similar } else { "" };
    [before, similar, after]
        .concat()
        .replace("{{table}}", table)
        .replace("{{name}}", name)
        .replace("{{fields}}", fields)
        .replace("{{visible}}", visible)
}

/// Prepared once per connection (see [`crate::db::prepared`]): parsing and planning these
/// statements cost 1.5–4 ms per type, more than running them.
pub(crate) static SQL: LazyLock<[Sql; 4]> = LazyLock::new(|| {
    [
        Sql::new(&sql(HitType::Companies)),
        Sql::new(&sql(HitType::Speakers)),
        Sql::new(&sql(HitType::Events)),
        Sql::new(&sql(HitType::CooperationOffers)),
    ]
});

/// The parameters of `search.sql`.
struct SearchParams<'a> {
    tsquery: &'a str,
    folded: &'a str,
    rows: i32,
    after: After,
    today: NaiveDate,
}

impl Params for SearchParams<'_> {
    fn value(&self, name: &str) -> Option<Bind<'_>> {
        Some(match name {
            "tsquery" => Bind::Text(self.tsquery),
            "folded" => Bind::Text(self.folded),
            "rows" => Bind::Integer(self.rows),
            "after_tier" => Bind::Integer(self.after.tier),
            "after_at" => Bind::Timestamptz(self.after.created_at),
            "after_id" => Bind::Uuid(self.after.id),
            "after_similarity" => Bind::Double(self.after.similarity),
            "today" => Bind::Date(self.today),
            _ => return None,
        })
    }
}

/// The tsquery of a search (every word), as text.
#[derive(Debug, QueryableByName)]
struct TsQuery {
    #[diesel(sql_type = Text)]
    text: String,
}

/// The tsquery of a search, as text: computed once and passed to every type's query (each
/// use of the function in a statement would be evaluated again while planning).
pub async fn tsquery(conn: &mut AsyncPgConnection, q: &SearchText) -> QueryResult<String> {
    let query: TsQuery = diesel::sql_query("SELECT coop_search_query($1, $2)::text AS text")
        .bind::<Array<Text>, _>(&q.words)
        .bind::<Array<Text>, _>(&q.folded)
        .get_result(conn)
        .await?;
    Ok(query.text)
}

/// Up to `rows` hits of one type after `after`, best first.
pub async fn search(
    conn: &mut AsyncPgConnection,
    t: HitType,
    tsquery: &str,
    q: &SearchText,
    after: Option<After>,
    rows: i64,
    today: NaiveDate,
) -> QueryResult<Vec<HitRow>> {
    let after = after.unwrap_or(After {
        tier: 4,
        similarity: 0.0,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        id: Uuid::nil(),
    });
    let params = SearchParams {
        tsquery,
        folded: &q.whole,
        rows: i32::try_from(rows).unwrap_or(101),
        after,
        today,
    };
    SQL[t as usize].bind(&params).load(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_search_statement_binds_each_of_its_parameters() {
        let params = SearchParams {
            tsquery: "x",
            folded: "x",
            rows: 21,
            after: After {
                tier: 4,
                similarity: 0.0,
                created_at: DateTime::<Utc>::UNIX_EPOCH,
                id: Uuid::nil(),
            },
            today: NaiveDate::MIN,
        };
        for sql in SQL.iter() {
            for name in sql.names() {
                assert!(params.value(name).is_some(), "${name}");
            }
            let mut builder = diesel::pg::PgQueryBuilder::default();
            let built = diesel::query_builder::QueryFragment::to_sql(
                &sql.bind(&params),
                &mut builder,
                &diesel::pg::Pg,
            );
            assert!(built.is_ok(), "{built:?}");
        }
    }
}
