//! IANA time zone names (the tz database), as chrono-tz knows them.

use std::str::FromStr;

pub const TIMEZONE_MESSAGE: &str = "must be an IANA time zone name such as Europe/Paris";

pub fn parse(raw: &str) -> Result<String, &'static str> {
    chrono_tz::Tz::from_str(raw)
        .map(|tz| tz.name().to_string())
        .ok()
        .filter(|name| name == raw)
        .ok_or(TIMEZONE_MESSAGE)
}

/// The `TimeZoneName` schema: a string, not an enum of the ~600 names. Client generators name
/// each enum value, and the tz database has names that map to the same identifier (`GMT0`,
/// `GMT+0`, `GMT-0`): openapi-python-client refuses such an enum with its default settings.
pub struct TimeZoneName;

/// The longest tz database name (`America/Argentina/ComodRivadavia` is 32 characters).
pub const MAX_TIMEZONE_LEN: usize = 40;

impl utoipa::PartialSchema for TimeZoneName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some(
                "An IANA time zone name (the tz database), spelled and capitalised as there: \
                 `Europe/Paris`, `Europe/Moscow`, `America/Argentina/Buenos_Aires`, `UTC`. Any \
                 other string is refused (422).",
            ))
            .min_length(Some(1))
            .max_length(Some(MAX_TIMEZONE_LEN))
            .examples(["Europe/Moscow"])
            .into()
    }
}

impl utoipa::ToSchema for TimeZoneName {}

#[cfg(test)]
mod tests {
    #[test]
    fn iana_names_are_accepted_exactly() {
        assert!(super::parse("Europe/Moscow").is_ok());
        assert!(super::parse("Europe/Paris").is_ok());
        assert!(super::parse("europe/paris").is_err());
        assert!(super::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn every_name_fits_the_documented_length() {
        for tz in chrono_tz::TZ_VARIANTS {
            assert!(!tz.name().is_empty() && tz.name().len() <= super::MAX_TIMEZONE_LEN);
        }
    }
}
