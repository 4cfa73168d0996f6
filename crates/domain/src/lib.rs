//! The cooperation platform's domain: values parsed from raw input at the edge (so the rest of
//! the code only sees valid data), the resources' enumerations, and the rules every layer
//! applies the same way: an offer's state and whether it is listed, who may see and change
//! what. It knows nothing of HTTP and builds no query.

pub mod access;
pub mod changes;
pub mod companies;
pub mod contact;
pub mod country;
pub mod events;
pub mod external_id;
pub mod interests;
pub mod keys;
pub mod language;
pub mod listing;
pub mod offers;
pub mod search;
pub mod sectors;
pub mod text;
mod text_enum;
pub mod timezone;
pub mod validation;
pub mod whole;

pub use country::{Country, CountryCode};
pub use validation::{Errors, FieldError, Invalid};
pub use whole::Whole;

/// The schema of a string drawn from a fixed list of codes (countries, languages, sectors):
/// every code as an enum value, so clients and generated test data know exactly
/// what the server accepts.
fn code_list_schema<'a>(
    description: &str,
    codes: impl IntoIterator<Item = &'a str>,
    example: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .description(Some(description))
        .enum_values(Some(codes))
        .examples([example])
        .into()
}
