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

pub const COUNTRY_MESSAGE: &str = "must be an ISO 3166-1 alpha-2 country code such as FR or RU";

/// A country, as an upper-case ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Country(String);

impl Country {
    /// Accepts an assigned code in either case (`fr` → `FR`).
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 2 && CODES.split_ascii_whitespace().any(|c| c == code) {
            Ok(Country(code))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigned_codes_are_accepted_in_any_case() {
        assert_eq!(Country::parse("fr").unwrap().as_str(), "FR");
        assert_eq!(Country::parse(" RU ").unwrap().as_str(), "RU");
    }

    #[test]
    fn unassigned_or_malformed_codes_are_rejected() {
        for raw in ["XX", "FRA", "F", "", "UK", "1A"] {
            assert!(Country::parse(raw).is_err(), "{raw} should be rejected");
        }
    }

    #[test]
    fn the_list_holds_the_249_assigned_codes() {
        assert_eq!(CODES.split_ascii_whitespace().count(), 249);
    }
}
