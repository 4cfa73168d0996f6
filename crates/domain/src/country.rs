//! ISO 3166-1 alpha-2 country codes.

use std::fmt;

use serde::Serialize;

/// The 249 officially assigned ISO 3166-1 alpha-2 codes.
const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL \
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK \
DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU \
GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ \
LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY \
MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU \
RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

pub const COUNTRY_MESSAGE: &str =
    "must be an upper-case ISO 3166-1 alpha-2 country code such as FR or RU";

/// Every assigned code, for the `CountryCode` schema.
pub fn all_codes() -> impl Iterator<Item = &'static str> {
    CODES.split_ascii_whitespace()
}

/// A country, as an upper-case ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Country(String);

impl Country {
    /// Accepts an assigned code, upper-case as the standard writes it (and as the API
    /// documents it, so the spec and the server agree on what is valid).
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if raw.len() == 2 && all_codes().any(|c| c == raw) {
            Ok(Country(raw.to_string()))
        } else {
            Err(COUNTRY_MESSAGE)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `CountryCode` schema: the assigned codes as an enum, so clients and generated test data
/// know exactly what the server accepts.
pub struct CountryCode;

impl utoipa::PartialSchema for CountryCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::code_list_schema(
            "An ISO 3166-1 alpha-2 country code, upper-case.",
            all_codes(),
            "FR",
        )
    }
}

impl utoipa::ToSchema for CountryCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigned_codes_are_accepted() {
        assert_eq!(
            Country::parse("FR").map(Country::into_inner),
            Ok("FR".to_string())
        );
        assert_eq!(
            Country::parse("RU").map(Country::into_inner),
            Ok("RU".to_string())
        );
    }

    #[test]
    fn unassigned_or_malformed_codes_are_rejected() {
        for raw in ["XX", "FRA", "F", "", "UK", "1A", "fr", " RU"] {
            assert!(Country::parse(raw).is_err(), "{raw} should be rejected");
        }
    }

    #[test]
    fn the_list_holds_the_249_assigned_codes() {
        assert_eq!(all_codes().count(), 249);
    }
}
