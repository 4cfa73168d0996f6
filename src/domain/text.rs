//! Text values parsed at the edge: trimmed, non-empty, bounded; URLs; the ASCII folding that
//! makes search and sorting case-, accent- and script-insensitive.

use super::Errors;

/// Trims `raw` and checks it is not empty and at most `max` characters long.
pub fn required(errors: &mut Errors, field: &str, raw: &str, max: usize) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() {
        errors.add(field, "must not be empty");
        return None;
    }
    bounded(errors, field, value, max)
}

/// Like [`required`] for an optional field; a blank string counts as absent.
pub fn optional(errors: &mut Errors, field: &str, raw: Option<&str>, max: usize) -> Option<String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    bounded(errors, field, value, max)
}

fn bounded(errors: &mut Errors, field: &str, value: &str, max: usize) -> Option<String> {
    let len = value.chars().count();
    if len > max {
        errors.add(field, format!("must be at most {max} characters long (got {len})"));
        None
    } else if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        errors.add(field, "must not contain control characters");
        None
    } else {
        Some(value.to_string())
    }
}

pub const MAX_URL_LEN: usize = 2048;

/// An absolute `http` or `https` URL with a host.
pub fn web_url(errors: &mut Errors, field: &str, raw: Option<&str>) -> Option<String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty())?;
    if value.len() > MAX_URL_LEN {
        errors.add(field, format!("must be at most {MAX_URL_LEN} characters long"));
        return None;
    }
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
            Some(url.to_string())
        }
        _ => {
            errors.add(field, "must be an absolute http or https URL such as https://example.com");
            None
        }
    }
}

/// Lower-case ASCII transliteration: `Dridzé` and `Дридзе` both become `dridze`, so one index
/// serves case-, accent- and script-insensitive matching.
pub fn fold(text: &str) -> String {
    any_ascii::any_ascii(text).to_lowercase()
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub fn like_contains(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_accents_and_script() {
        assert_eq!(fold("Evgueny Dridzé"), "evgueny dridze");
        assert_eq!(fold("Дридзе"), "dridze");
        assert_eq!(fold("Aéro-Club de France"), "aero-club de france");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        let mut errors = Errors::default();
        assert_eq!(required(&mut errors, "name", "  Orpea ", 10).as_deref(), Some("Orpea"));
        assert_eq!(required(&mut errors, "name", "   ", 10), None);
        assert_eq!(required(&mut errors, "name", "abcdefghijk", 10), None);
        assert_eq!(errors.into_vec().len(), 2);
    }

    #[test]
    fn only_absolute_web_urls_are_accepted() {
        let mut errors = Errors::default();
        assert!(web_url(&mut errors, "w", Some("https://sk.ru/")).is_some());
        assert!(web_url(&mut errors, "w", Some("ftp://sk.ru/")).is_none());
        assert!(web_url(&mut errors, "w", Some("sk.ru")).is_none());
        assert!(web_url(&mut errors, "w", Some("javascript:alert(1)")).is_none());
        assert_eq!(errors.into_vec().len(), 3);
    }
}
