//! Contact details (speakers' email and phone), checked exactly as the spec's patterns say.

use crate::Errors;

pub const EMAIL_PATTERN: &str = r"^[^@\s\u0000-\u001f\u007f-\u009f]+@[^@\s\u0000-\u001f\u007f-\u009f]+\.[^@\s\u0000-\u001f\u007f-\u009f]+$";
pub const PHONE_PATTERN: &str = r"^\+?[0-9][0-9 ().-]{2,31}$";
pub const MAX_EMAIL: usize = 254;

fn email_char(c: char) -> bool {
    c != '@' && !c.is_whitespace() && !super::text::is_control(c)
}

/// `local@domain.tld`, at most 254 characters.
pub fn email(errors: &mut Errors, field: &str, raw: Option<&str>) -> Option<String> {
    let value = raw?;
    let valid = value.chars().count() <= MAX_EMAIL
        && value.split_once('@').is_some_and(|(local, domain)| {
            let chars: Vec<char> = domain.chars().collect();
            !local.is_empty()
                && local.chars().all(email_char)
                && chars.iter().all(|c| email_char(*c))
                && chars.len() >= 3
                && chars[1..chars.len() - 1].contains(&'.')
        });
    if valid {
        Some(value.to_string())
    } else {
        errors.add(
            field,
            "must be an email address such as name@example.com (at most 254 characters)",
        );
        None
    }
}

/// Digits with optional leading `+`, spaces, dots, dashes and parentheses; 3 to 33 characters.
pub fn phone(errors: &mut Errors, field: &str, raw: Option<&str>) -> Option<String> {
    let value = raw?;
    let digits = value.strip_prefix('+').unwrap_or(value);
    let mut chars = digits.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_digit())
        && (3..=32).contains(&digits.chars().count())
        && chars.all(|c| c.is_ascii_digit() || " ().-".contains(c));
    if valid {
        Some(value.to_string())
    } else {
        errors.add(field, "must be a phone number such as +33 1 47 23 72 52");
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_follow_the_documented_pattern() {
        let mut errors = Errors::default();
        for ok in ["a@b.c", "lidia.soutormina@ccifr.ru", "x+y@sub.example.org"] {
            assert!(email(&mut errors, "email", Some(ok)).is_some(), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.c", "a@.c", "a@b.", "a b@c.d", "a@b@c.d"] {
            assert!(email(&mut errors, "email", Some(bad)).is_none(), "{bad}");
        }
    }

    #[test]
    fn phones_follow_the_documented_pattern() {
        let mut errors = Errors::default();
        for ok in ["+33 1 47 23 72 52", "8 (495) 123-45-67", "112"] {
            assert!(phone(&mut errors, "phone", Some(ok)).is_some(), "{ok}");
        }
        for bad in ["", "+", "12", "call me", "+ 33", "(495) 1234"] {
            assert!(phone(&mut errors, "phone", Some(bad)).is_none(), "{bad}");
        }
    }
}
