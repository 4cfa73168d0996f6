//! Query parameter values, parsed by serde into their domain types as the query string is read.
//!
//! A parameter struct declares each field with its real type and one of the functions below as
//! `deserialize_with`; the function's error message is what the client reads after the
//! parameter's name (`parameter `limit` must be a whole number from 1 to 100`), because
//! [`super::extract::Query`] names the parameter serde was reading when the error arose.
//! Absent parameters are `None` (`#[serde(default)]`).

use chrono::{DateTime, Utc};
use serde::de::{Deserialize, Deserializer, Error};
use uuid::Uuid;

use super::pagination::{Cursor, DEFAULT_LIMIT, MAX_LIMIT};
use coop_domain::search::SearchText;

/// Reads a parameter's text and parses it with `parse`, whose error becomes the message.
pub fn parsed<'de, D, T, M>(d: D, parse: impl FnOnce(&str) -> Result<T, M>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    M: std::fmt::Display,
{
    let raw = String::deserialize(d)?;
    parse(&raw).map_err(D::Error::custom)
}

/// A UUID (`company_id`, `event_id`).
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    parsed(d, |raw| Uuid::try_parse(raw).map_err(|_| "must be a UUID")).map(Some)
}

/// A country code, upper-case ISO 3166-1 alpha-2.
pub fn country<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    parsed(d, |raw| {
        coop_domain::Country::parse(raw).map(coop_domain::Country::into_inner)
    })
    .map(Some)
}

/// One value of an enumeration, named as the spec lists them.
pub fn one_of<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr + strum::VariantNames,
{
    parsed(d, |raw| {
        raw.trim()
            .parse()
            .map_err(|_| format!("must be one of: {}", T::VARIANTS.join(", ")))
    })
    .map(Some)
}

/// Free text to search for (`q`); blank means no search.
pub fn search_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SearchText>, D::Error> {
    parsed(d, |raw| {
        SearchText::parse_param(Some(raw)).map_err(|error| error.message)
    })
}

/// Free text to search for that must hold a word (`q` of `GET /api/v1/search`).
pub fn search_words<'de, D: Deserializer<'de>>(d: D) -> Result<SearchText, D::Error> {
    parsed(d, |raw| match SearchText::parse_param(Some(raw)) {
        Ok(Some(q)) if !q.words.is_empty() => Ok(q),
        Ok(_) => Err("must contain at least one letter or digit".to_string()),
        Err(error) => Err(error.message),
    })
}

/// `true` or `false`.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    parsed(d, |raw| match raw {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("must be `true` or `false`"),
    })
}

/// An external id (`coop_domain::external_id`).
pub fn external_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    parsed(d, |raw| coop_domain::external_id::parse(raw).map(Some))
}

/// An RFC 3339 timestamp.
pub fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    parsed(d, |raw| {
        DateTime::parse_from_rfc3339(raw)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| "must be an RFC 3339 timestamp such as 2019-11-14T10:00:00Z")
    })
}

/// A short text filter (`city`): at most 100 characters, trimmed.
pub fn short_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    parsed(d, |raw| {
        if raw.chars().count() > 100 {
            Err("must be at most 100 characters long")
        } else {
            Ok(Some(raw.trim().to_string()))
        }
    })
}

/// A `cursor` as a list issued it; whether it belongs to the requested sort is checked by
/// [`Cursor::for_sort`].
pub fn cursor<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cursor>, D::Error> {
    parsed(d, Cursor::parse).map(Some)
}

/// The page size from `limit`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(i64);

impl Limit {
    pub fn get(self) -> i64 {
        self.0
    }

    /// A page size the server chooses (an export's pages), not bound by [`MAX_LIMIT`].
    pub fn of(size: i64) -> Self {
        Limit(size)
    }
}

impl Default for Limit {
    fn default() -> Self {
        Limit(DEFAULT_LIMIT)
    }
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parsed(d, |raw| match raw.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Limit(n)),
            _ => Err(format!("must be a whole number from 1 to {MAX_LIMIT}")),
        })
    }
}

/// The parameters of `all` named in `names`, in `all`'s order: for an operation that takes some
/// of another operation's parameters, declared once in that operation's struct. A name that is
/// not there is a bug the spec snapshot shows (the parameter vanishes).
pub fn only(
    all: Vec<utoipa::openapi::path::Parameter>,
    names: &[&str],
) -> Vec<utoipa::openapi::path::Parameter> {
    debug_assert!(names.iter().all(|n| all.iter().any(|p| p.name == *n)));
    all.into_iter()
        .filter(|p| names.contains(&p.name.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use utoipa::IntoParams;
    use uuid::Uuid;

    use super::{Limit, only};
    use crate::http::ApiError;
    use crate::http::extract::parse_query;

    #[derive(Debug, Deserialize, IntoParams)]
    #[into_params(parameter_in = Query)]
    struct Sample {
        #[serde(default, deserialize_with = "super::id")]
        company_id: Option<Uuid>,
        #[serde(default, deserialize_with = "super::one_of")]
        #[param(inline)]
        sort: Option<coop_domain::listing::NameSort>,
        #[serde(default)]
        #[param(value_type = Option<i64>)]
        limit: Limit,
    }

    fn detail(error: ApiError) -> String {
        match error {
            ApiError::BadRequest { detail, .. } => detail,
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn absent_parameters_take_their_defaults() {
        let p: Sample = parse_query("").unwrap();
        assert_eq!((p.company_id, p.sort, p.limit.get()), (None, None, 20));
    }

    #[test]
    fn values_parse_into_their_types() {
        let id = "0190f5c4-6a2e-7cc1-8d1e-4c4b5a1f2e3d";
        let p: Sample = parse_query(&format!("company_id={id}&sort=-created_at&limit=5")).unwrap();
        assert_eq!(p.company_id, Some(Uuid::parse_str(id).unwrap()));
        assert!(p.sort.is_some());
        assert_eq!(p.limit.get(), 5);
    }

    #[test]
    fn a_value_that_does_not_parse_is_a_400_naming_its_parameter() {
        let cases = [
            ("company_id=42", "parameter `company_id` must be a UUID"),
            (
                "limit=0",
                "parameter `limit` must be a whole number from 1 to 100",
            ),
            ("sort=size", "parameter `sort` must be one of: "),
        ];
        for (query, expected) in cases {
            let error = parse_query::<Sample>(query).unwrap_err();
            assert!(detail(error).starts_with(expected), "{query}");
        }
    }

    #[test]
    fn a_parameter_the_operation_does_not_declare_is_a_400_naming_it() {
        let error = parse_query::<Sample>("limit=5&page=2").unwrap_err();
        assert_eq!(
            detail(error),
            "parameter `page` is not a parameter of this operation"
        );
    }

    #[test]
    fn a_control_character_is_a_400_naming_its_parameter() {
        let error = parse_query::<Sample>("sort=a%00b").unwrap_err();
        assert_eq!(
            detail(error),
            "parameter `sort` must not contain control characters"
        );
    }

    #[test]
    fn a_repeated_parameter_is_a_400() {
        let error = parse_query::<Sample>("limit=5&limit=6").unwrap_err();
        assert!(detail(error).contains("duplicate field `limit`"));
    }

    #[test]
    fn a_subset_keeps_the_named_parameters_in_declaration_order() {
        let names: Vec<String> = only(Sample::into_params(|| None), &["limit", "company_id"])
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["company_id", "limit"]);
    }
}
