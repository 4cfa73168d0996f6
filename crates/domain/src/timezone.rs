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

/// The `TimeZoneName` schema: every IANA name as an enum.
pub struct TimeZoneName;

impl utoipa::PartialSchema for TimeZoneName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::code_list_schema(
            "An IANA time zone name.",
            chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()),
            "Europe/Moscow",
        )
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
}
