//! The snippet of a hit: the field that matched, cut around the first matching word, split
//! into plain and highlighted fragments. Words are compared in their folded ASCII form, with
//! a shared-prefix rule standing in for the stemmers ("médicaux" highlights for "médical",
//! "больницы" for "больница", "Сколково" for "Skolkovo"), so it works in every script.

use serde::Serialize;
use utoipa::ToSchema;

use coop_domain::search::{SearchText, fold_word};

/// Characters of context kept around the first match in a long field.
const WINDOW: usize = 160;

/// A piece of the snippet's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Fragment {
    pub text: String,
    /// Whether this piece is a word of the search.
    pub highlight: bool,
}

/// Where and how a hit matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "field": "full_name",
    "text": "Evgueny Dridzé",
    "fragments": [{"text": "Evgueny ", "highlight": false}, {"text": "Dridzé", "highlight": true}]
}))]
pub struct Snippet {
    /// The field of the resource the text comes from.
    pub field: String,
    /// The text shown, with `…` where a long field was cut.
    pub text: String,
    /// `text` split into pieces, the matching words marked, for display without parsing.
    pub fragments: Vec<Fragment>,
}

/// Whether a word of the text counts as a word of the search: same folded form, one a prefix
/// of the other (at least four letters), or a shared prefix of at least five letters that
/// leaves at most three letters of the shorter word (a stemmer's ending).
pub fn word_matches(text_word: &str, query_word: &str) -> bool {
    if text_word == query_word {
        return true;
    }
    let shorter = text_word.len().min(query_word.len());
    let common = text_word
        .bytes()
        .zip(query_word.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    (common == shorter && shorter >= 4) || (common >= 5 && common + 3 >= shorter)
}

/// The words of `text` as (byte start, byte end) ranges.
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                ranges.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        ranges.push((s, text.len()));
    }
    ranges
}

/// The snippet from the first field (in the order given) that holds a word of the search; the
/// first non-empty field, unhighlighted, when none does (a typo-tolerant name match).
pub fn build(fields: &[(&str, Option<&str>)], q: &SearchText) -> Option<Snippet> {
    let wanted: Vec<&str> = q
        .folded
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    let present = fields
        .iter()
        .filter_map(|(name, text)| text.filter(|t| !t.trim().is_empty()).map(|t| (*name, t)));
    let mut fallback = None;
    for (field, text) in present {
        let hits: Vec<(usize, usize)> = word_ranges(text)
            .into_iter()
            .filter(|&(s, e)| {
                let word = fold_word(&text[s..e]);
                wanted.iter().any(|w| word_matches(&word, w))
            })
            .collect();
        if hits.is_empty() {
            fallback.get_or_insert((field, text));
            continue;
        }
        return Some(cut(field, text, &hits));
    }
    fallback.map(|(field, text)| cut(field, text, &[]))
}

/// Cuts `text` to about [`WINDOW`] characters starting a little before the first hit, on word
/// boundaries, and splits it into fragments.
fn cut(field: &str, text: &str, hits: &[(usize, usize)]) -> Snippet {
    let first = hits.first().map_or(0, |h| h.0);
    let words = word_ranges(text);
    // Start two words before the first hit, so the hit has some context.
    let index = words.iter().position(|w| w.0 >= first).unwrap_or(0);
    let start = if text.chars().count() <= WINDOW {
        0
    } else {
        words[index.saturating_sub(2)..].first().map_or(0, |w| w.0)
    };
    let mut end = text.len();
    let mut kept = 0;
    for (i, c) in text[start..].char_indices() {
        kept += 1;
        if kept > WINDOW {
            // Stop at the end of the last whole word before the limit.
            end = words
                .iter()
                .rev()
                .find(|w| w.1 <= start + i && w.0 >= start)
                .map_or(start + i, |w| w.1);
            let _ = c;
            break;
        }
    }
    let mut fragments = Vec::new();
    let mut push = |text: &str, highlight: bool| {
        if !text.is_empty() {
            fragments.push(Fragment {
                text: text.to_string(),
                highlight,
            });
        }
    };
    if start > 0 {
        push("…", false);
    }
    let mut at = start;
    for &(s, e) in hits.iter().filter(|h| h.0 >= start && h.1 <= end) {
        push(&text[at..s], false);
        push(&text[s..e], true);
        at = e;
    }
    push(&text[at..end], false);
    if end < text.len() {
        push("…", false);
    }
    // Merge neighbouring plain pieces (the ellipses).
    let mut merged: Vec<Fragment> = Vec::with_capacity(fragments.len());
    for f in fragments {
        match merged.last_mut() {
            Some(last) if !last.highlight && !f.highlight => last.text.push_str(&f.text),
            _ => merged.push(f),
        }
    }
    Snippet {
        field: field.to_string(),
        text: merged.iter().map(|f| f.text.as_str()).collect(),
        fragments: merged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> SearchText {
        SearchText::new(text).unwrap()
    }

    fn highlighted(s: &Snippet) -> Vec<&str> {
        s.fragments
            .iter()
            .filter(|f| f.highlight)
            .map(|f| f.text.as_str())
            .collect()
    }

    #[test]
    fn words_match_across_endings_accents_and_scripts() {
        assert!(word_matches("medicaux", "medical"));
        assert!(word_matches("bolnitsy", "bolnitsa"));
        assert!(word_matches("exoskeletons", "exoskeleton"));
        assert!(!word_matches("medical", "media"));
        assert!(!word_matches("it", "its"));
    }

    #[test]
    fn the_first_matching_field_is_highlighted() {
        let s = build(
            &[
                ("full_name", Some("Evgueny Dridzé")),
                ("bio", Some("Dridze works")),
            ],
            &q("Дридзе"),
        )
        .unwrap();
        assert_eq!(s.field, "full_name");
        assert_eq!(s.text, "Evgueny Dridzé");
        assert_eq!(highlighted(&s), ["Dridzé"]);
    }

    #[test]
    fn a_long_field_is_cut_around_the_match() {
        let long = format!(
            "{}exosquelettes médicaux {}",
            "mot ".repeat(100),
            "fin ".repeat(100)
        );
        let s = build(
            &[("title", Some("Autre")), ("description", Some(&long))],
            &q("exosquelette"),
        )
        .unwrap();
        assert_eq!(s.field, "description");
        assert!(s.text.starts_with("…mot mot exosquelettes"), "{}", s.text);
        assert!(s.text.ends_with('…'));
        assert!(s.text.chars().count() <= 165);
        assert_eq!(highlighted(&s), ["exosquelettes"]);
    }

    #[test]
    fn without_a_word_match_the_first_field_is_shown_plain() {
        let s = build(
            &[("full_name", Some("Evgueny Dridzé"))],
            &q("Evgeni Dridse"),
        )
        .unwrap();
        assert_eq!(s.text, "Evgueny Dridzé");
        assert!(highlighted(&s).is_empty());
    }
}
