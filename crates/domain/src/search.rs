//! The text of a search, parsed at the edge: its words as typed (for the language stemmers),
//! the same words transliterated to lower-case ASCII (to cross scripts and drop accents), and
//! the whole folded text (for typo-tolerant name matching with pg_trgm).

use crate::text;

use crate::text_enum::key_enum;
use crate::validation::FieldError;

/// Longest accepted search text.
pub const MAX_QUERY_TEXT: usize = 200;
/// Words beyond this many are ignored: every word must match, so more only narrows further.
pub const MAX_WORDS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    /// The words as typed: runs of letters and digits.
    pub words: Vec<String>,
    /// Each word folded to lower-case ASCII (`Дридзе` → `dridze`), same order.
    pub folded: Vec<String>,
    /// The folded words joined by single spaces.
    pub whole: String,
}

impl SearchText {
    /// `None` for a blank text. A text without a letter or digit has no words and matches
    /// nothing (`%` is no wildcard).
    pub fn new(raw: &str) -> Option<Self> {
        if raw.trim().is_empty() {
            return None;
        }
        let words: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(str::to_string)
            .collect();
        let folded: Vec<String> = words.iter().map(|w| fold_word(w)).collect();
        let whole = folded
            .iter()
            .filter(|w| !w.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        Some(Self {
            words,
            folded,
            whole,
        })
    }

    /// Parses an optional `q` parameter: at most [`MAX_QUERY_TEXT`] characters; blank means no
    /// search.
    pub fn parse_param(raw: Option<&str>) -> Result<Option<Self>, FieldError> {
        match raw {
            Some(q) if q.chars().count() > MAX_QUERY_TEXT => Err(FieldError::new(
                "q",
                format!("must be at most {MAX_QUERY_TEXT} characters long"),
            )),
            Some(q) => Ok(Self::new(q)),
            None => Ok(None),
        }
    }
}

/// A word's ASCII form, letters and digits only: transliteration may yield apostrophes
/// (`ь` → `'`) that the `simple` parser would split on.
pub fn fold_word(word: &str) -> String {
    text::fold(word)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The `types` parameter, as the server parses it.
pub const TYPES_PATTERN: &str = r"^(companies|speakers|events|cooperation-offers)(,(companies|speakers|events|cooperation-offers))*$";

key_enum! {
    /// What a search can find.
    HitType {
        Companies = "companies",
        Speakers = "speakers",
        Events = "events",
        CooperationOffers = "cooperation-offers",
    }
}

impl HitType {
    /// The path of the resource a hit of this type is.
    pub fn collection(self) -> &'static str {
        match self {
            HitType::Companies => "/api/v1/companies",
            HitType::Speakers => "/api/v1/speakers",
            HitType::Events => "/api/v1/events",
            HitType::CooperationOffers => "/api/v1/cooperation-offers",
        }
    }

    /// Parses a comma-separated `types` parameter; absent means all, in any order.
    pub fn parse_list(raw: Option<&str>) -> Result<Vec<HitType>, FieldError> {
        use strum::VariantArray;
        let Some(raw) = raw else {
            return Ok(HitType::VARIANTS.to_vec());
        };
        let mut types = Vec::new();
        // Exactly the documented form (TYPES_PATTERN): names separated by single commas.
        for part in raw.split(',') {
            let t: HitType = part.parse().map_err(|_| {
                FieldError::new(
                    "types",
                    format!(
                        "`{part}` is not a searchable type; use a comma-separated list of companies, speakers, events, cooperation-offers"
                    ),
                )
            })?;
            if !types.contains(&t) {
                types.push(t);
            }
        }
        Ok(types)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_split_on_anything_but_letters_and_digits_and_folded() {
        let q = SearchText::new("  L'exosquelette, Дридзе -- 2026!").unwrap();
        assert_eq!(q.words, ["L", "exosquelette", "Дридзе", "2026"]);
        assert_eq!(q.folded, ["l", "exosquelette", "dridze", "2026"]);
        assert_eq!(q.whole, "l exosquelette dridze 2026");
    }

    #[test]
    fn a_blank_text_is_no_search_and_punctuation_has_no_words() {
        assert_eq!(SearchText::parse_param(Some("   ")).unwrap(), None);
        let q = SearchText::new(" -- %!? ").unwrap();
        assert!(q.words.is_empty() && q.whole.is_empty());
    }

    #[test]
    fn too_long_a_text_is_refused() {
        assert!(SearchText::parse_param(Some(&"a".repeat(201))).is_err());
        assert!(SearchText::parse_param(Some(&"a".repeat(200))).is_ok());
    }

    #[test]
    fn soft_signs_do_not_split_a_transliterated_word() {
        assert_eq!(fold_word("больница"), "bolnitsa");
    }
}
