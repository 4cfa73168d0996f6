//! An integrator's own reference for a resource (`external_id`): "our offer 4711" found again
//! without storing the platform's ids, and the key of upserts and imports.

/// The longest external id.
pub const MAX_LEN: usize = 100;

/// What an external id may hold: letters, digits and `-_.:@~`, which need no escaping in a
/// URL path, a query or a CSV cell.
pub const PATTERN: &str = r"^[A-Za-z0-9._:@~-]{1,100}$";

const MESSAGE: &str = "must be 1 to 100 letters, digits or `-_.:@~`";

/// An external id as sent, if it is one.
pub fn parse(raw: &str) -> Result<String, &'static str> {
    let valid = (1..=MAX_LEN).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:@~".contains(&b));
    if valid {
        Ok(raw.to_string())
    } else {
        Err(MESSAGE)
    }
}

/// The `ExternalId` schema.
pub struct ExternalId;

impl utoipa::PartialSchema for ExternalId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .description(Some(
                "The integrator's own reference for the resource (for example its id in a CRM): unique per company for offers and speakers, across the platform for companies and events",
            ))
            .min_length(Some(1))
            .max_length(Some(MAX_LEN))
            .pattern(Some(PATTERN))
            .examples([serde_json::json!("CCI-2019-4711")])
            .into()
    }
}

impl utoipa::ToSchema for ExternalId {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_url_safe_references() {
        for ok in [
            "4711",
            "CCI-2019-4711",
            "crm:offer.12_a@b~c",
            &"x".repeat(100),
        ] {
            assert_eq!(parse(ok).as_deref(), Ok(ok));
        }
        for bad in ["", "with space", "a/b", "é", "a?b", &"x".repeat(101)] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
