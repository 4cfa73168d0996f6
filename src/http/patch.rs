//! JSON merge patch (RFC 7396) support: telling an absent field (leave unchanged) from an
//! explicit `null` (clear).

use serde::{Deserialize, Deserializer};

/// A field of a merge-patch document.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    /// Absent: keep the current value.
    #[default]
    Keep,
    /// `null`: clear the value.
    Clear,
    /// A new value.
    Set(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only called when the field is present (absent fields take the default, Keep).
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Patch::Clear,
            Some(v) => Patch::Set(v),
        })
    }
}

impl<T> Patch<T> {
    /// Applies the patch to a required field: `null` cannot clear it, which is recorded in
    /// `errors` against `field` (the current value is kept so parsing can go on).
    pub fn required(self, errors: &mut coop_domain::Errors, field: &str, current: T) -> T {
        match self {
            Patch::Keep => current,
            Patch::Set(v) => v,
            Patch::Clear => {
                errors.add(field, "is required and cannot be null");
                current
            }
        }
    }

    /// Applies the patch to an optional field.
    pub fn apply_to(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(v) => Some(v),
        }
    }
}
