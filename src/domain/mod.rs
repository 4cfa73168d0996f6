//! Domain values shared by several resources, parsed from raw request input at the edge so the
//! rest of the code only sees valid data.

pub mod contact;
pub mod country;
pub mod language;
pub mod text;
pub mod timezone;

pub use country::{Country, CountryCode};

use crate::http::{ApiError, FieldError};

/// Collects every invalid field of a request so the client gets them all in one 422.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Keeps the value, or records the message against `field`.
    pub fn check<T, M: Into<String>>(&mut self, field: &str, result: Result<T, M>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(())` when nothing was recorded, otherwise the 422 listing every field.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Unprocessable(self.0))
        }
    }
}

/// Maps a string-like enum (strum `IntoStaticStr` + `FromStr`) onto a PostgreSQL `text` column
/// guarded by a CHECK constraint. The enum must derive `AsExpression` and `FromSqlRow` with
/// `#[diesel(sql_type = diesel::sql_types::Text)]`.
#[macro_export]
macro_rules! text_enum_sql {
    ($t:ty) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $t {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                let value: &'static str = self.into();
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    value,
                    &mut out.reborrow(),
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $t {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let value = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                value
                    .parse()
                    .map_err(|_| format!("unexpected {} `{value}`", stringify!($t)).into())
            }
        }
    };
}

/// Parses an optional enum query parameter (absent → `None`).
pub fn parse_enum_param<T: std::str::FromStr + strum::VariantNames>(
    field: &str,
    raw: Option<&str>,
) -> Result<Option<T>, ApiError> {
    raw.map(|raw| parse_enum(field, raw)).transpose()
}

/// Parses an enum from a query parameter, naming the allowed values when it does not fit.
pub fn parse_enum<T: std::str::FromStr + strum::VariantNames>(
    field: &str,
    raw: &str,
) -> Result<T, ApiError> {
    raw.trim().parse().map_err(|_| {
        ApiError::bad_parameter(field, format!("must be one of: {}", T::VARIANTS.join(", ")))
    })
}

/// Declares a string-valued enum (snake_case in JSON and in its `text` column) with its serde,
/// OpenAPI, strum and diesel plumbing.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            strum::EnumString, strum::IntoStaticStr, strum::VariantNames,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }
        $crate::text_enum_sql!($name);
    };
}

/// A whole number as JSON Schema understands `integer`: `60` and `60.0` alike (some clients and
/// generators write integers with a fraction of zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Whole(pub i32);

impl<'de> serde::Deserialize<'de> for Whole {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        let value = number
            .as_i64()
            .or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| f as i64)
            })
            .ok_or_else(|| serde::de::Error::custom("must be a whole number"))?;
        i32::try_from(value)
            .map(Whole)
            .map_err(|_| serde::de::Error::custom("is out of range"))
    }
}
