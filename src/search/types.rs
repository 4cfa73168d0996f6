//! Search request parameters, hits and the rows they come from.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::snippet::Snippet;
use crate::http::Cursor;
use crate::http::params::{self, Limit};
use coop_domain::search::{HitType, SearchText};

/// How a hit matched, best first: `name` (every word in its name or title), `similar_name`
/// (its name resembles the search: a typo, another transliteration), `text` (every word
/// somewhere in its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Name,
    SimilarName,
    Text,
}

impl MatchKind {
    pub fn from_tier(tier: i32) -> Self {
        match tier {
            3 => MatchKind::Name,
            2 => MatchKind::SimilarName,
            _ => MatchKind::Text,
        }
    }
}

/// One thing found.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "speakers",
    "id": "01935c1e-8a4b-7cc1-9d1e-0b6f0c4d2a11",
    "name": "Evgueny Dridzé",
    "match": "name",
    "snippet": {
        "field": "full_name",
        "text": "Evgueny Dridzé",
        "fragments": [{"text": "Evgueny ", "highlight": false}, {"text": "Dridzé", "highlight": true}]
    },
    "href": "/api/v1/speakers/01935c1e-8a4b-7cc1-9d1e-0b6f0c4d2a11"
}))]
pub struct SearchHit {
    /// What was found; the same words as the `types` parameter.
    #[serde(rename = "type")]
    pub hit_type: HitType,
    pub id: Uuid,
    /// Its name or title.
    pub name: String,
    /// How it matched; hits are ordered by this first (`name`, then `similar_name`, then
    /// `text`), then newest first (`similar_name`: most similar first).
    #[serde(rename = "match")]
    pub match_kind: MatchKind,
    pub snippet: Option<Snippet>,
    /// Where to get the whole resource.
    pub href: String,
}

/// Query parameters of `GET /api/v1/search`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find, in any language and script: each must match (French, English and
    /// Russian word forms, accents and letter case ignored, Cyrillic and Latin meet); names
    /// also match with a typo or another transliteration. Up to 200 characters.
    #[serde(deserialize_with = "params::search_words")]
    #[param(
        value_type = String,
        example = "Дридзе",
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub q: SearchText,
    /// Comma-separated types to search; all by default.
    #[serde(default, deserialize_with = "hit_types")]
    #[param(
        value_type = Option<String>,
        example = "companies,speakers",
        pattern = r"^(companies|speakers|events|cooperation-offers)(,(companies|speakers|events|cooperation-offers))*$"
    )]
    pub types: Option<Vec<HitType>>,
    /// Page size, 1 to 100 (default 20).
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

fn hit_types<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<HitType>>, D::Error> {
    params::parsed(d, |raw| {
        HitType::parse_list(Some(raw))
            .map(Some)
            .map_err(|error| error.message)
    })
}
