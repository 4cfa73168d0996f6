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

use super::query::SearchText;
use super::types::{HitRow, HitType};
use crate::db::prepared::{Bind, Sql};

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

/// Hits of a tier the GIN index is asked for when the early rows held fewer than
/// [`RARE_BELOW`] (a few hits there mean a frequent word, whose every hit the index would
/// have to list: 20 ms for "drones recycling" in offers' text). Each costs a visit to its
/// row, about 2 µs for a name and more for a text (its vectors are checked again); fewer
/// than this many is every hit, which a walk of the newest rows would have cost more to
/// find (5,000 names walked: 12 ms at a million offers, for a name probe of 836 hits: 7 ms).
fn probe_rows(tier: u8) -> usize {
    if tier == 3 { 5000 } else { 1000 }
}
const RARE_BELOW: usize = 2;

/// Rows of a tier read newest first when its words are neither frequent nor rare: more for
/// names (a small vector to check per row) than for the whole text (decompressed per row).
fn window_rows(tier: u8) -> usize {
    if tier == 3 { 5000 } else { 1000 }
}

/// Binds: $1 the tsquery (text), $2 folded text, $3 rows, $4–$6 and $8 the cursor (tier 4
/// when none), $7 today, $9 the any-word tsquery.
///
/// Each date-ordered tier is read in up to three steps, each only when the one before found
/// less than a page:
/// 1. the newest rows after the cursor ([`early_rows`], the `created_at` index), stopping
///    at a page of hits: a frequent word costs a few rows;
/// 2. when they held almost no hits ([`RARE_BELOW`]), up to [`probe_rows`] hits from the
///    GIN index, in no order; fewer than that is every hit, and sorted they are the answer
///    (a name, a rare word);
/// 3. otherwise a longer walk of the newest rows ([`window_rows`]), then, still short of a
///    page, the older hits from the GIN index.
///
/// Neither path alone holds up: walking rows first cost 5,000 rows per type for every rare
/// word (8–15 ms per type); the GIN index first builds a bitmap of every hit of a frequent
/// word (30,000 for "robotics" in offers' text: 15 ms at 100,000 offers, ten times that at a
/// million). Letting the planner choose went wrong both ways: it estimates a word it has no
/// statistics for as common enough to walk the table in date order, and then reads all of
/// it when no row matches (0.1–0.4 s at 100,000 offers).
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
    let walk = |cte: &str, tier: u8, condition: &str, gate: &str, rows: usize| {
        format!(
            "{cte}{tier} AS MATERIALIZED (
                SELECT id, created_at FROM (
                    SELECT t.id, t.created_at, ({condition}) AS hit
                    FROM {table} t
                    WHERE {gate} AND {visible} AND {after}
                    ORDER BY t.created_at DESC, t.id DESC
                    LIMIT {rows}) AS w
                WHERE hit
                LIMIT $3)",
            after = after(tier),
        )
    };
    let found_early = |tier: u8| format!("(SELECT count(*) FROM early{tier}) = $3");
    let rare = |tier: u8| format!("(SELECT count(*) FROM early{tier}) < {RARE_BELOW}");
    let probe_full =
        |tier: u8| format!("(SELECT count(*) FROM probe{tier}) = {}", probe_rows(tier));
    // Step 3 runs for words the early rows showed to be frequent, or the probe.
    let walk_more = |tier: u8| {
        format!(
            "(NOT {} AND (NOT {} OR {}))",
            found_early(tier),
            rare(tier),
            probe_full(tier)
        )
    };
    // The text tier only when the names left room on the page: with a page of names, its
    // probe of a word frequent in names but absent from texts ("licensing") listed 115,000
    // rows of the whole-text index for nothing (30 ms at a million offers).
    let room = |tier: u8| {
        if tier == 3 {
            "true"
        } else {
            "(SELECT count(*) FROM names) < $3"
        }
    };
    let early =
        |tier: u8, condition: &str| walk("early", tier, condition, room(tier), early_rows(tier));
    // The visibility and the cursor are wrapped in IS TRUE so that they are checked on the
    // rows the GIN index finds rather than read from the `created_at` or `status` index (most
    // of the table, 5–10 ms). The LIMIT is outside `matching`, which is read only as far as
    // the probe needs: with it inside, the planner expects a few hundred rows of a frequent
    // word to come sooner from a sequential scan, which reads and decompresses the text
    // vectors of every row it passes (20–30 ms for "robotics").
    let probe = |tier: u8, condition: &str| {
        format!(
            "matching{tier} AS MATERIALIZED (
                SELECT t.id, t.created_at
                FROM {table} t
                WHERE {room} AND NOT {found_early} AND {rare} AND {condition}
                  AND ({visible} AND {after}) IS TRUE),
             probe{tier} AS MATERIALIZED (SELECT * FROM matching{tier} LIMIT {rows})",
            after = after(tier),
            room = room(tier),
            found_early = found_early(tier),
            rare = rare(tier),
            rows = probe_rows(tier),
        )
    };
    let window = |tier: u8, condition: &str| {
        walk(
            "recent",
            tier,
            condition,
            &walk_more(tier),
            window_rows(tier),
        )
    };
    // The older rows, only when the window held less than a page. No ORDER BY or LIMIT
    // inside: with them the planner walks `created_at` again, filtering, and reads the whole
    // table when the estimate is wrong; without, it asks the GIN index. The window's end is
    // looked up only when needed; none (fewer rows than the window) means the window saw
    // everything.
    let older = |tier: u8, condition: &str| {
        format!(
            "older{tier} AS MATERIALIZED (
                SELECT t.id, t.created_at
                FROM {table} t
                WHERE {walk_more} AND (SELECT count(*) FROM recent{tier}) < $3
                  AND {condition} AND ({visible} AND {after} AND (t.created_at, t.id) < (
                      SELECT t.created_at, t.id FROM {table} t
                      WHERE {visible} AND {after}
                      ORDER BY t.created_at DESC, t.id DESC
                      OFFSET {rows} - 1 LIMIT 1)) IS TRUE)",
            after = after(tier),
            walk_more = walk_more(tier),
            rows = window_rows(tier)
        )
    };
    let by_date = |tier: u8| {
        let part = |cte: &str, gate: &str| {
            format!(
                "(SELECT {tier} AS tier, 0::float8 AS similarity, id, created_at
                  FROM {cte}{tier}
                  WHERE {gate}
                  ORDER BY created_at DESC, id DESC
                  LIMIT $3)"
            )
        };
        [
            part("early", &found_early(tier)),
            part(
                "probe",
                &format!(
                    "NOT {} AND {} AND NOT {}",
                    found_early(tier),
                    rare(tier),
                    probe_full(tier)
                ),
            ),
            part("recent", "true"),
            part("older", "true"),
        ]
        .join(" UNION ALL ")
    };
    let name_hit = "t.name_vector @@ $1::tsquery";
    let text_hit = "t.search_vector @@ $1::tsquery AND NOT (t.name_vector @@ $1::tsquery)";
    // A text hit has some word in its body: the body's index rules out at once the many rows
    // that have the words only in their names ("distributor": 50 ms without).
    let text_hit_indexed = format!("{text_hit} AND t.body_vector @@ $9::tsquery");
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
        "WITH {}, {}, {}, {},
         names AS MATERIALIZED ({}),
         {}, {}, {}, {},
         hits AS (SELECT * FROM names {similar} UNION ALL {})
         SELECT hits.tier, hits.similarity, t.id, t.created_at, t.{name} AS name, {fields} AS fields
         FROM hits JOIN {table} t ON t.id = hits.id
         ORDER BY hits.tier DESC, hits.similarity DESC, t.created_at DESC, t.id DESC
         LIMIT $3",
        early(3, name_hit),
        probe(3, name_hit),
        window(3, name_hit),
        older(3, name_hit),
        by_date(3),
        early(1, text_hit),
        probe(1, &text_hit_indexed),
        window(1, text_hit),
        older(1, &text_hit_indexed),
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

/// The tsqueries of a search (every word; any word), as text: computed once and passed to
/// every type's query (each use of the functions in a statement would be evaluated again
/// while planning).
#[derive(Debug, QueryableByName)]
pub struct TsQueries {
    #[diesel(sql_type = Text)]
    pub all: String,
    #[diesel(sql_type = Text)]
    pub any: String,
}

pub async fn tsqueries(conn: &mut AsyncPgConnection, q: &SearchText) -> QueryResult<TsQueries> {
    diesel::sql_query(
        "SELECT coop_search_query($1, $2)::text AS all, coop_search_any($1, $2)::text AS any",
    )
    .bind::<Array<Text>, _>(&q.words)
    .bind::<Array<Text>, _>(&q.folded)
    .get_result(conn)
    .await
}

/// Up to `rows` hits of one type after `after`, best first.
pub async fn search(
    conn: &mut AsyncPgConnection,
    t: HitType,
    tsquery: &TsQueries,
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
            Bind::Text(&tsquery.all),
            Bind::Text(&q.whole),
            Bind::Integer(i32::try_from(rows).unwrap_or(101)),
            Bind::Integer(after.tier),
            Bind::Timestamptz(after.created_at),
            Bind::Uuid(after.id),
            Bind::Date(today),
            Bind::Double(after.similarity),
            Bind::Text(&tsquery.any),
        ])
        .load(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_search_statement_binds_only_its_nine_parameters() {
        let mut builder = diesel::pg::PgQueryBuilder::default();
        for sql in SQL.iter() {
            let binds = vec![Bind::Integer(0); 9];
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
