//! Hand-written SQL that diesel prepares once per connection.
//!
//! `diesel::sql_query` text is never cached: PostgreSQL parses and plans it on every call,
//! which for the search and match statements (large CTEs) costs 1.5–10 ms, more than running
//! them. A [`Statement`] is cached by its SQL text, and PostgreSQL switches a prepared
//! statement to a generic plan after a few runs, which suits statements whose shape is fixed
//! by the SQL itself. The SQL is written with `$n` parameters like `sql_query`; each use is
//! bound as its own placeholder (diesel numbers them as they are pushed), so the same value
//! may be used many times and the text, the cache's key, never changes.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Date, Double, Integer, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// A statement's SQL, split at its `$n` parameters once (see [`Sql::new`]).
pub struct Sql(Vec<Part>);

enum Part {
    Text(String),
    Param(usize),
}

impl Sql {
    pub fn new(sql: &str) -> Self {
        let mut parts = Vec::new();
        let mut rest = sql;
        while let Some(at) = rest.find('$') {
            let digits = rest[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            match rest[at + 1..at + 1 + digits].parse() {
                Ok(n) => {
                    parts.push(Part::Text(rest[..at].to_owned()));
                    parts.push(Part::Param(n));
                }
                Err(_) => parts.push(Part::Text(rest[..=at + digits].to_owned())),
            }
            rest = &rest[at + 1 + digits..];
        }
        parts.push(Part::Text(rest.to_owned()));
        Sql(parts)
    }

    /// The statement with its parameters: `binds[0]` is `$1`.
    pub fn bind<'a>(&'a self, binds: Vec<Bind<'a>>) -> Statement<'a> {
        Statement { sql: self, binds }
    }
}

/// A parameter's value.
#[derive(Debug, Clone, Copy)]
pub enum Bind<'a> {
    Text(&'a str),
    Integer(i32),
    Double(f64),
    Uuid(Uuid),
    Date(NaiveDate),
    Timestamptz(DateTime<Utc>),
}

pub struct Statement<'a> {
    sql: &'a Sql,
    binds: Vec<Bind<'a>>,
}

impl QueryId for Statement<'_> {
    type QueryId = ();
    /// None: the cache is keyed by the SQL text instead of a type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl QueryFragment<Pg> for Statement<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        for part in &self.sql.0 {
            let n = match part {
                Part::Text(text) => {
                    out.push_sql(text);
                    continue;
                }
                Part::Param(n) => *n,
            };
            let bind = n
                .checked_sub(1)
                .and_then(|i| self.binds.get(i))
                .ok_or_else(|| {
                    diesel::result::Error::QueryBuilderError(
                        format!("the statement uses ${n}, which is not bound").into(),
                    )
                })?;
            match bind {
                Bind::Text(v) => out.push_bind_param::<Text, _>(*v)?,
                Bind::Integer(v) => out.push_bind_param::<Integer, _>(v)?,
                Bind::Double(v) => out.push_bind_param::<Double, _>(v)?,
                Bind::Uuid(v) => out.push_bind_param::<SqlUuid, _>(v)?,
                Bind::Date(v) => out.push_bind_param::<Date, _>(v)?,
                Bind::Timestamptz(v) => out.push_bind_param::<Timestamptz, _>(v)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(sql: &Sql) -> Vec<String> {
        sql.0
            .iter()
            .map(|p| match p {
                Part::Text(s) => format!("[{s}]"),
                Part::Param(n) => format!("${n}"),
            })
            .collect()
    }

    #[test]
    fn a_statement_is_split_at_its_parameters_only() {
        let sql = Sql::new("a $1 b $10$2 $ c$");
        assert_eq!(
            shown(&sql),
            [
                "[a ]", "$1", "[ b ]", "$10", "[]", "$2", "[ $]", "[ c$]", "[]"
            ]
        );
    }

    #[test]
    fn each_use_of_a_parameter_is_bound_and_the_statement_is_cached() {
        let sql = Sql::new("SELECT $1 || $2, $1");
        let statement = sql.bind(vec![Bind::Text("a"), Bind::Integer(2)]);
        assert!(matches!(statement.is_safe_to_cache_prepared(&Pg), Ok(true)));
        let shown = diesel::debug_query::<Pg, _>(&statement).to_string();
        assert!(
            shown.starts_with("SELECT $1 || $2, $3 -- binds: "),
            "{shown}"
        );
        assert!(shown.contains(r#"["a", 2, "a"]"#), "{shown}");
    }

    #[test]
    fn a_parameter_without_a_value_is_an_error_not_a_panic() {
        let sql = Sql::new("SELECT $2");
        let statement = sql.bind(vec![Bind::Integer(1)]);
        let result = statement.to_sql(&mut diesel::pg::PgQueryBuilder::default(), &Pg);
        assert!(result.is_err());
    }
}
