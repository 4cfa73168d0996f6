//! Text values parsed at the edge: bounded, free of control characters, trimmed; web URLs; the
//! ASCII folding that makes search and sorting case-, accent- and script-insensitive.
//!
//! Each rule has a regular expression twin in the OpenAPI document (the `*_PATTERN` constants),
//! so the server accepts exactly what the spec calls valid.

use crate::Errors;

/// A one-line text (names, cities): no control characters.
pub const LINE_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*$";
/// A required one-line text: no control characters and at least one visible character.
pub const REQUIRED_LINE_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$";
/// A multi-line text (descriptions): no control characters but tab, line feed and return.
pub const MULTILINE_PATTERN: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$";
/// An absolute http(s) URL.
pub const WEB_URL_PATTERN: &str = r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?([/?#][^\u0000-\u0020\u007f-\u009f]*)?$";

/// Which control characters a text may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// C0 and C1 control characters and DEL: the `\u0000-\u001f\u007f-\u009f` of the patterns.
pub fn is_control(c: char) -> bool {
    c < ' ' || ('\x7f'..='\u{9f}').contains(&c)
}

fn forbidden(c: char, lines: Lines) -> bool {
    let control = is_control(c);
    match lines {
        Lines::One => control,
        Lines::Many => control && !matches!(c, '\t' | '\n' | '\r'),
    }
}

/// Checks length (as sent) and characters; returns the trimmed text, `None` when it is blank.
fn checked(
    errors: &mut Errors,
    field: &str,
    raw: &str,
    max: usize,
    lines: Lines,
) -> Option<String> {
    let len = raw.chars().count();
    if len > max {
        errors.add(
            field,
            format!("must be at most {max} characters long (got {len})"),
        );
        return None;
    }
    if raw.chars().any(|c| forbidden(c, lines)) {
        let allowed = match lines {
            Lines::One => "must be a single line without control characters",
            Lines::Many => "must not contain control characters other than tab and line breaks",
        };
        errors.add(field, allowed);
        return None;
    }
    let value = raw.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// A required one-line text: at most `max` characters, not blank; stored trimmed.
pub fn required(errors: &mut Errors, field: &str, raw: &str, max: usize) -> Option<String> {
    let len_before = errors.len();
    let value = checked(errors, field, raw, max, Lines::One);
    if value.is_none() && errors.len() == len_before {
        errors.add(field, "must not be empty");
    }
    value
}

/// An optional text; blank counts as absent.
pub fn optional(
    errors: &mut Errors,
    field: &str,
    raw: Option<&str>,
    max: usize,
    lines: Lines,
) -> Option<String> {
    checked(errors, field, raw?, max, lines)
}

pub const MAX_URL_LEN: usize = 2048;
const URL_MESSAGE: &str = "must be an absolute http or https URL such as https://example.com";

/// An absolute `http`/`https` URL with a host name, matching [`WEB_URL_PATTERN`].
pub fn web_url(errors: &mut Errors, field: &str, raw: Option<&str>) -> Option<String> {
    let value = raw?;
    if value.chars().count() > MAX_URL_LEN {
        errors.add(
            field,
            format!("must be at most {MAX_URL_LEN} characters long"),
        );
        return None;
    }
    if is_web_url(value) {
        Some(value.to_string())
    } else {
        errors.add(field, URL_MESSAGE);
        None
    }
}

fn is_web_url(value: &str) -> bool {
    let Some(rest) = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
    else {
        return false;
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let label_ok =
        |l: &str| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let host_ok = host.split('.').all(label_ok);
    let port_ok =
        port.is_none_or(|p| (1..=5).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
    let tail_ok = tail.chars().all(|c| c != ' ' && !is_control(c));
    host_ok && port_ok && tail_ok
}

/// Lower-case ASCII transliteration: `Dridzé` and `Дридзе` both become `dridze`, so one index
/// serves case-, accent- and script-insensitive matching. Control characters are dropped, as
/// they can never match and PostgreSQL refuses NUL.
pub fn fold(text: &str) -> String {
    any_ascii::any_ascii(text)
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .to_lowercase()
}

/// The folded forms of the texts present, joined by spaces: the `search_body` of a row.
pub fn fold_all(texts: &[Option<&str>]) -> String {
    texts
        .iter()
        .flatten()
        .map(|t| fold(t))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
pub fn like_escape(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_accents_script_and_control_characters() {
        assert_eq!(fold("Evgueny Dridzé"), "evgueny dridze");
        assert_eq!(fold("Дридзе"), "dridze");
        assert_eq!(fold("Aéro-Club de France"), "aero-club de france");
        assert_eq!(fold("a\u{0}b"), "ab");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }

    #[test]
    fn required_text_is_trimmed_bounded_and_single_line() {
        let mut errors = Errors::default();
        assert_eq!(
            required(&mut errors, "name", "  Orpea ", 10).as_deref(),
            Some("Orpea")
        );
        assert_eq!(required(&mut errors, "name", "   ", 10), None);
        assert_eq!(required(&mut errors, "name", "abcdefghijk", 10), None);
        assert_eq!(required(&mut errors, "name", "a\nb", 10), None);
        assert_eq!(errors.into_vec().len(), 3);
    }

    #[test]
    fn multiline_text_keeps_line_breaks_but_not_other_controls() {
        let mut errors = Errors::default();
        assert!(optional(&mut errors, "d", Some("a\n\tb"), 10, Lines::Many).is_some());
        assert!(optional(&mut errors, "d", Some("a\u{0}b"), 10, Lines::Many).is_none());
        assert_eq!(errors.into_vec().len(), 1);
    }

    #[test]
    fn only_absolute_web_urls_are_accepted() {
        let mut errors = Errors::default();
        for ok in [
            "https://sk.ru/",
            "http://a",
            "https://www.ccifr.ru:8443/fr/?x=1#top",
        ] {
            assert!(web_url(&mut errors, "w", Some(ok)).is_some(), "{ok}");
        }
        for bad in [
            "ftp://sk.ru/",
            "sk.ru",
            "javascript:alert(1)",
            "https://",
            "https://a..b",
            "https://a b",
            "https://a:",
        ] {
            assert!(web_url(&mut errors, "w", Some(bad)).is_none(), "{bad}");
        }
        assert_eq!(errors.into_vec().len(), 7);
    }
}
