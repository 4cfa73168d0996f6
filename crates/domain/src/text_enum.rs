//! The declaration of a string-valued enumeration: snake_case in JSON, in its `text` column
//! (guarded by a CHECK constraint) and in query parameters.

/// Maps a string-like enum (strum `IntoStaticStr` + `FromStr`) onto a PostgreSQL `text` column
/// guarded by a CHECK constraint. The enum must derive `AsExpression` and `FromSqlRow` with
/// `#[diesel(sql_type = diesel::sql_types::Text)]`.
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

/// Declares a string-valued enum (snake_case in JSON and in its `text` column) with its serde,
/// OpenAPI, strum and diesel plumbing.
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
        $crate::text_enum::text_enum_sql!($name);
    };
}

/// Declares an enumeration of keys a client names in a query parameter (sort orders, status
/// filters, searchable types), each spelled exactly as given, in JSON and in the parameter.
macro_rules! key_enum {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $key:tt),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
            utoipa::ToSchema, strum::EnumString, strum::IntoStaticStr, strum::VariantNames,
            strum::VariantArray,
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] #[strum(serialize = $key)] $variant),+
        }
    };
}

pub(crate) use {key_enum, text_enum, text_enum_sql};
