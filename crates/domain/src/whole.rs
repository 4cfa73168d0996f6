//! Whole numbers as JSON Schema's `integer` understands them.

/// A whole number as JSON Schema understands `integer`: `60` and `60.0` alike (some clients and
/// generators write integers with a fraction of zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Whole(pub i32);

impl<'de> serde::Deserialize<'de> for Whole {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        let value = number
            .as_i64()
            .or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                    .map(|f| f as i64)
            })
            .ok_or_else(|| serde::de::Error::custom("must be a whole number"))?;
        i32::try_from(value)
            .map(Whole)
            .map_err(|_| serde::de::Error::custom("is out of range"))
    }
}
