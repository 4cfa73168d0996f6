//! The API key itself: how a key is made, how it is recognised in a request, and what of it is
//! stored.
//!
//! A key reads `coop_<prefix>_<secret>`: 12 hex digits of public prefix (shown in listings, used
//! to find the row) and 43 characters of secret (256 random bits, base64url). Only the SHA-256
//! of the whole key is stored. A fast hash is enough here: the secret is random and long, so
//! there is nothing for a slow, salted hash to protect against a dictionary.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

const SCHEME: &str = "coop_";
pub const PREFIX_LEN: usize = 12;
const SECRET_BYTES: usize = 32;
/// Length of the base64url text of [`SECRET_BYTES`] random bytes, unpadded.
const SECRET_LEN: usize = 43;

/// A key as presented by a client, syntactically valid. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PresentedKey {
    full: String,
}

impl std::fmt::Debug for PresentedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PresentedKey({}…)", self.prefix())
    }
}

impl PresentedKey {
    /// Accepts only the exact shape the service issues, so any other text is told apart
    /// (malformed) from a well-formed key that names nothing (unknown).
    pub fn parse(raw: &str) -> Option<Self> {
        let rest = raw.strip_prefix(SCHEME)?;
        let (prefix, secret) = rest.split_at_checked(PREFIX_LEN)?;
        let secret = secret.strip_prefix('_')?;
        let prefix_ok = prefix
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let secret_ok = secret.len() == SECRET_LEN
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        (prefix_ok && secret_ok).then(|| Self {
            full: raw.to_string(),
        })
    }

    pub fn prefix(&self) -> &str {
        &self.full[SCHEME.len()..SCHEME.len() + PREFIX_LEN]
    }

    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.full.as_bytes()).into()
    }

    /// Whether this key is the one whose hash is stored. The comparison takes the same time
    /// wherever the first difference is.
    pub fn matches(&self, stored_hash: &[u8]) -> bool {
        let hash = self.hash();
        stored_hash.len() == hash.len()
            && stored_hash
                .iter()
                .zip(hash.iter())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// A newly made key: the text handed to its owner once, and what is kept of it.
pub struct NewKey {
    pub text: String,
    pub prefix: String,
    pub hash: [u8; 32],
}

impl NewKey {
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut prefix = [0u8; PREFIX_LEN / 2];
        let mut secret = [0u8; SECRET_BYTES];
        getrandom::fill(&mut prefix)?;
        getrandom::fill(&mut secret)?;
        let prefix: String = prefix.iter().map(|b| format!("{b:02x}")).collect();
        let text = format!("{SCHEME}{prefix}_{}", URL_SAFE_NO_PAD.encode(secret));
        let hash = Sha256::digest(text.as_bytes()).into();
        Ok(Self { text, prefix, hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_parses_and_matches_its_hash() {
        let key = NewKey::generate().unwrap();
        let presented = PresentedKey::parse(&key.text).expect("the issued shape parses");
        assert_eq!(presented.prefix(), key.prefix);
        assert!(presented.matches(&key.hash));
        assert_eq!(key.text.len(), SCHEME.len() + PREFIX_LEN + 1 + SECRET_LEN);
    }

    #[test]
    fn two_generated_keys_differ() {
        let (a, b) = (NewKey::generate().unwrap(), NewKey::generate().unwrap());
        assert_ne!(a.text, b.text);
        assert_ne!(a.prefix, b.prefix);
    }

    #[test]
    fn a_key_with_one_changed_character_does_not_match() {
        let key = NewKey::generate().unwrap();
        let mut tampered = key.text.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        let presented = PresentedKey::parse(&tampered).unwrap();
        assert!(!presented.matches(&key.hash));
    }

    #[test]
    fn other_shapes_are_malformed() {
        let key = NewKey::generate().unwrap().text;
        for raw in [
            "",
            "coop_",
            &key[..key.len() - 1],
            &format!("{key}x"),
            &key.replace("coop_", "COOP_"),
            &key.to_uppercase(),
            "coop_0123456789ab_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        ] {
            assert!(PresentedKey::parse(raw).is_none(), "{raw:?} parsed");
        }
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let key = NewKey::generate().unwrap();
        let presented = PresentedKey::parse(&key.text).unwrap();
        let shown = format!("{presented:?}");
        assert!(!shown.contains(&key.text[SCHEME.len() + PREFIX_LEN + 1..]));
    }
}
