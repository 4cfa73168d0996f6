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

use crate::db::prepared::{Bind, Sql};
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
            visible: "t.status = 'published' AND (t.valid_until IS NULL OR t.valid_until >= $7)",
            similar_names: false,
        },
    }
}

/// Rows of a tier first read newest first: a frequent word finds its page there.
fn early_rows(tier: u8) -> usize {
    if tier == 3 { EARLY_NAMES } else { EARLY_TEXT }
}
const EARLY_NAMES: usize = 300;
const EARLY_TEXT: usize = 100;

/// Binds: $1 the tsquery (text), $2 folded text, $3 rows, $4–$6 and $8 the cursor (tier 4
/// when none), $7 today.
///
/// Each date-ordered tier is read in two steps, the second only when the first found less
/// than a page:
/// 1. the newest rows after the cursor ([`early_rows`], the `created_at` index), stopping
///    at a page of hits: a frequent word costs a few rows;
/// 2. the older hits period by period, newest first (see `older` below), each period's from
///    the GIN index over the words and the creation periods (migration 000010), stopping
///    at a page: a rare word costs a dozen index lookups, a frequent one behind thousands
///    of newer rows without it a few periods.
///
/// What came before, and why it went: walking rows first cost 5,000 rows per type for every
/// rare word (8–15 ms per type); the GIN index alone builds a bitmap of every hit of a
/// frequent word (30,000 for "robotics" in offers' text: 15 ms at 100,000 offers, ten times
/// that at a million) and visits them; a probe of 5,000 of them to tell rare words from
/// frequent ones, then a walk of 5,000 rows, then every older hit, cost 30–50 ms for a
/// frequent word at a million offers and 0.3–1 s when the newest rows lacked it. Letting
/// the planner choose went wrong both ways: it estimates a word it has no statistics for as
/// common enough to walk the table in date order, and then reads all of it when no row
/// matches (0.1–0.4 s at 100,000 offers).
fn sql(t: HitType) -> String {
    let Shape {
        table,
        name,
        fields,
        visible,
        similar_names,
    } = shape(t);
    let after =
        |tier: u8| format!("($4 > {tier} OR ($4 = {tier} AND (t.created_at, t.id) < ($5, $6)))");
    // The text tier only when the names left room on the page: with a page of names, a
    // word frequent in names but absent from texts ("licensing") would have its texts
    // searched for nothing.
    let room = |tier: u8| {
        if tier == 3 {
            "true"
        } else {
            "(SELECT count(*) FROM names) < $3"
        }
    };
    let early = |tier: u8, hit: &str| {
        format!(
            "early{tier} AS MATERIALIZED (
                SELECT id, created_at FROM (
                    SELECT t.id, t.created_at, ({hit}) AS hit
                    FROM {table} t
                    WHERE {room} AND {visible} AND {after}
                    ORDER BY t.created_at DESC, t.id DESC
                    LIMIT {rows}) AS w
                WHERE hit
                LIMIT $3)",
            room = room(tier),
            after = after(tier),
            rows = early_rows(tier),
        )
    };
    // The older hits, only when the early rows held less than a page, period by period
    // going back from their last row (`edge`; none when they were every row): first the
    // minute of the edge, then, from the newest row before what was read, the period of 8
    // minutes it falls in, then of 64, and so on (the grid of migration 000010), so that a
    // gap in time costs nothing; no more periods once a page is found. Each period's hits
    // come from the GIN index over the words (`indexed`) and the periods, so only the
    // period's hits are visited (and checked for `hit`). The period's hits are sorted
    // outside an `OFFSET 0` fence: with the ORDER BY and LIMIT beside them the planner walks
    // `created_at` again, filtering. The visibility and the cursor are wrapped in IS TRUE so
    // that they are checked on the rows the index finds rather than read from another index.
    let older = |tier: u8, indexed: &str, hit: &str| {
        let hits = |anchor: &str, level: &str, before: &str| {
            format!(
                "(SELECT coalesce(array_agg(x.id), '{{}}') AS ids,
                         coalesce(array_agg(x.created_at), '{{}}') AS ats
                  FROM (SELECT y.id, y.created_at FROM (
                            SELECT t.id, t.created_at FROM {table} t
                            WHERE {indexed}
                              AND coop_periods(t.created_at) @> ARRAY[coop_period({anchor}, {level})]
                              AND ({hit} AND {visible} AND {after}
                                   AND (t.created_at, t.id) < (e.created_at, e.id)
                                   AND {before}) IS TRUE
                            OFFSET 0) AS y
                        ORDER BY y.created_at DESC, y.id DESC
                        LIMIT $3) AS x)",
                after = after(tier),
            )
        };
        format!(
            "edge{tier} AS MATERIALIZED (
                SELECT t.created_at, t.id FROM {table} t
                WHERE (SELECT count(*) FROM early{tier}) < $3 AND {room} AND {visible} AND {after}
                ORDER BY t.created_at DESC, t.id DESC
                OFFSET {rows} - 1 LIMIT 1),
             older{tier} AS MATERIALIZED (
                WITH RECURSIVE periods (level, since, ids, ats, found) AS (
                    SELECT 0, coop_period_start(e.created_at, 0), h.ids, h.ats,
                           (SELECT count(*) FROM early{tier}) + cardinality(h.ids)
                    FROM edge{tier} e CROSS JOIN LATERAL {first} AS h
                  UNION ALL
                    SELECT l.level, coop_period_start(n.newest, l.level), h.ids, h.ats,
                           p.found + cardinality(h.ids)
                    FROM periods p
                    CROSS JOIN edge{tier} e
                    CROSS JOIN LATERAL (SELECT least(p.level + 1, 9) AS level) AS l
                    CROSS JOIN LATERAL (
                        SELECT t.created_at AS newest FROM {table} t
                        WHERE t.created_at < p.since
                        ORDER BY t.created_at DESC LIMIT 1) AS n
                    CROSS JOIN LATERAL {next} AS h
                    WHERE p.found < $3)
                SELECT u.id, u.created_at
                FROM periods CROSS JOIN LATERAL unnest(periods.ids, periods.ats) AS u (id, created_at))",
            room = room(tier),
            after = after(tier),
            rows = early_rows(tier),
            first = hits("e.created_at", "0", "true"),
            next = hits("n.newest", "l.level", "t.created_at < p.since"),
        )
    };
    let by_date = |tier: u8| {
        format!(
            "SELECT {tier} AS tier, 0::float8 AS similarity, id, created_at
             FROM (SELECT id, created_at FROM early{tier}
                   UNION ALL SELECT id, created_at FROM older{tier}) AS found
             ORDER BY created_at DESC, id DESC
             LIMIT $3"
        )
    };
    let name_hit = "t.name_vector @@ $1::tsquery";
    // Every word somewhere (`search_vector`, whose index finds a period's candidates), but
    // not every word in the name.
    let text = "t.search_vector @@ $1::tsquery";
    let not_name = "NOT (t.name_vector @@ $1::tsquery)";
    let text_hit = format!("{text} AND {not_name}");
    // Names that resemble the text, most similar first; only when no name holds every word
    // (a typo, another transliteration): a common word resembles many names that are already
    // found as they are, and checking them all costs more than the rest of the search. A
    // cursor inside the name tier means such names exist; without a cursor `names` holds them.
    let similar = if !similar_names {
        String::new()
    } else {
        format!(
            "UNION ALL (SELECT 2, s.similarity, t.id, t.created_at
          FROM {table} t
          CROSS JOIN LATERAL (SELECT word_similarity($2, t.search_text)::float8 AS similarity) s
          WHERE {visible} AND $2 <% t.search_text AND NOT (t.search_vector @@ $1::tsquery)
            AND $4 <> 3 AND NOT EXISTS (SELECT FROM names)
            AND ($4 > 2 OR ($4 = 2 AND (s.similarity, t.created_at, t.id) < ($8, $5, $6)))
          ORDER BY s.similarity DESC, t.created_at DESC, t.id DESC
          LIMIT $3)"
        )
    };
    format!(
        "WITH {}, {},
         names AS MATERIALIZED ({}),
         {}, {},
         hits AS (SELECT * FROM names {similar} UNION ALL ({}))
         SELECT hits.tier, hits.similarity, t.id, t.created_at, t.{name} AS name, {fields} AS fields
         FROM hits JOIN {table} t ON t.id = hits.id
         ORDER BY hits.tier DESC, hits.similarity DESC, t.created_at DESC, t.id DESC
         LIMIT $3",
        early(3, name_hit),
        older(3, name_hit, "true"),
        by_date(3),
        early(1, &text_hit),
        older(1, text, not_name),
        by_date(1),
    )
}

/// Prepared once per connection (see [`crate::db::prepared`]): parsing and planning these
/// statements cost 1.5–4 ms per type, more than running them.
static SQL: LazyLock<[Sql; 4]> = LazyLock::new(|| {
    [
        Sql::new(&sql(HitType::Companies)),
        Sql::new(&sql(HitType::Speakers)),
        Sql::new(&sql(HitType::Events)),
        Sql::new(&sql(HitType::CooperationOffers)),
    ]
});

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
    SQL[t as usize]
        .bind(vec![
            Bind::Text(tsquery),
            Bind::Text(&q.whole),
            Bind::Integer(i32::try_from(rows).unwrap_or(101)),
            Bind::Integer(after.tier),
            Bind::Timestamptz(after.created_at),
            Bind::Uuid(after.id),
            Bind::Date(today),
            Bind::Double(after.similarity),
        ])
        .load(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_search_statement_binds_only_its_eight_parameters() {
        let mut builder = diesel::pg::PgQueryBuilder::default();
        for sql in SQL.iter() {
            let binds = vec![Bind::Integer(0); 8];
            let statement = sql.bind(binds);
            let built = diesel::query_builder::QueryFragment::to_sql(
                &statement,
                &mut builder,
                &diesel::pg::Pg,
            );
            assert!(built.is_ok(), "{built:?}");
        }
    }
}
