//! ISO 639-1 language codes.

const CODES: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co \
cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho \
hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la \
lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or \
os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg \
th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

pub const LANGUAGE_MESSAGE: &str = "must be a lower-case ISO 639-1 language code such as fr or ru";

pub fn all_codes() -> impl Iterator<Item = &'static str> {
    CODES.split_ascii_whitespace()
}

/// Accepts an ISO 639-1 code, lower-case.
pub fn parse(raw: &str) -> Result<String, &'static str> {
    if raw.len() == 2 && all_codes().any(|c| c == raw) {
        Ok(raw.to_string())
    } else {
        Err(LANGUAGE_MESSAGE)
    }
}

/// The `LanguageCode` schema: the ISO 639-1 codes as an enum.
pub struct LanguageCode;

impl utoipa::PartialSchema for LanguageCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::code_list_schema("An ISO 639-1 language code, lower-case.", all_codes(), "fr")
    }
}

impl utoipa::ToSchema for LanguageCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_iso_639_1_codes() {
        assert_eq!(all_codes().count(), 184);
        assert!(parse("fr").is_ok() && parse("ru").is_ok() && parse("en").is_ok());
        assert!(parse("FR").is_err() && parse("xx").is_err() && parse("fra").is_err());
    }
}
