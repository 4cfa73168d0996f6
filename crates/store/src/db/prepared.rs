//! Hand-written SQL that diesel prepares once per connection, with parameters bound by name.
//!
//! `diesel::sql_query` text is never cached: PostgreSQL parses and plans it on every call,
//! which for the search and match statements (large CTEs) costs 1.5–10 ms, more than running
//! them. A [`Statement`] is cached by its SQL text, and PostgreSQL switches a prepared
//! statement to a generic plan after a few runs, which suits statements whose shape is fixed
//! by the SQL itself. The SQL (a `.sql` file under `crates/store/sql/`) names its parameters
//! `$name`; a struct implementing [`Params`] gives each name its value. Each use is bound as
//! its own placeholder (diesel numbers them `$1`, `$2`… as they are pushed), so a name may be
//! used many times and the text, the cache's key, never changes.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::{Date, Double, Integer, Text, Timestamptz, Uuid as SqlUuid};
use uuid::Uuid;

/// A statement's SQL, split at its `$name` parameters once (see [`Sql::new`]).
pub struct Sql(Vec<Part>);

enum Part {
    Text(String),
    Param(String),
}

fn name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

impl Sql {
    /// Splits at every `$` followed by a lower-case name (`$offer_id`); any other `$` is text.
    /// Whole-line `--` comments are left out: they are for the reader of the `.sql` file.
    pub fn new(sql: &str) -> Self {
        let sql = sql
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut parts = Vec::new();
        let mut rest = sql.as_str();
        while let Some(at) = rest.find('$') {
            let after = &rest[at + 1..];
            let len = after.find(|c: char| !name_char(c)).unwrap_or(after.len());
            let name = &after[..len];
            if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                parts.push(Part::Text(rest[..at].to_owned()));
                parts.push(Part::Param(name.to_owned()));
            } else {
                parts.push(Part::Text(rest[..at + 1 + len].to_owned()));
            }
            rest = &after[len..];
        }
        parts.push(Part::Text(rest.to_owned()));
        Sql(parts)
    }

    /// The names of the statement's parameters, in order of first use.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for part in &self.0 {
            if let Part::Param(name) = part
                && !names.contains(&name.as_str())
            {
                names.push(name);
            }
        }
        names
    }

    /// The statement as PostgreSQL receives it: each use of a parameter numbered in order
    /// (`$1`, `$2`…), followed by a comment naming what each number is bound to.
    pub fn as_sent(&self) -> String {
        let mut text = String::new();
        let mut names = Vec::new();
        for part in &self.0 {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Param(name) => {
                    names.push(name.as_str());
                    text.push_str(&format!("${}", names.len()));
                }
            }
        }
        let binds: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, name)| format!("${} = {name}", i + 1))
            .collect();
        format!("{text}\n-- binds: {}\n", binds.join(", "))
    }

    /// The statement with its parameters' values (a name `params` does not know is an error
    /// when the statement is built).
    pub fn bind<'a>(&'a self, params: &'a impl Params) -> Statement<'a> {
        let values = self
            .0
            .iter()
            .filter_map(|part| match part {
                Part::Param(name) => Some(params.value(name)),
                Part::Text(_) => None,
            })
            .collect();
        Statement { sql: self, values }
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

/// The values of a statement's parameters, by name.
pub trait Params {
    /// The value of `$name`, or `None` when the struct has no such parameter.
    fn value(&self, name: &str) -> Option<Bind<'_>>;
}

pub struct Statement<'a> {
    sql: &'a Sql,
    /// The value of each parameter part, in order.
    values: Vec<Option<Bind<'a>>>,
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
        let mut values = self.values.iter();
        for part in &self.sql.0 {
            let name = match part {
                Part::Text(text) => {
                    out.push_sql(text);
                    continue;
                }
                Part::Param(name) => name,
            };
            let bind = values.next().and_then(Option::as_ref).ok_or_else(|| {
                diesel::result::Error::QueryBuilderError(
                    format!("the statement uses ${name}, which is not bound").into(),
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

    struct Two<'a> {
        a: &'a str,
        b: i32,
    }

    impl Params for Two<'_> {
        fn value(&self, name: &str) -> Option<Bind<'_>> {
            match name {
                "a" => Some(Bind::Text(self.a)),
                "b" => Some(Bind::Integer(self.b)),
                _ => None,
            }
        }
    }

    #[test]
    fn a_statement_is_split_at_its_named_parameters_only() {
        let sql = Sql::new("-- $not_this\na $one b $two_2::int $1 $ c$ $$x$$");
        assert_eq!(
            shown(&sql),
            [
                "[a ]",
                "$one",
                "[ b ]",
                "$two_2",
                "[::int $1]",
                "[ $]",
                "[ c$]",
                "[ $]",
                "[]",
                "$x",
                "[$]",
                "[$]",
                "[]"
            ]
        );
        assert_eq!(sql.names(), ["one", "two_2", "x"]);
    }

    #[test]
    fn each_use_of_a_parameter_is_bound_and_the_statement_is_cached() {
        let sql = Sql::new("SELECT $a || $b, $a");
        let params = Two { a: "a", b: 2 };
        let statement = sql.bind(&params);
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
        let sql = Sql::new("SELECT $c");
        let params = Two { a: "a", b: 1 };
        let statement = sql.bind(&params);
        let result = statement.to_sql(&mut diesel::pg::PgQueryBuilder::default(), &Pg);
        assert!(result.is_err());
    }
}
