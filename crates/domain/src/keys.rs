//! API keys.

use crate::text_enum::text_enum;

text_enum!(
    /// `active`, or why the key no longer works.
    KeyStatus { Active, Revoked, Expired }
);
