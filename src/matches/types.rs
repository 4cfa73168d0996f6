//! Matches and the reasons behind them.

use coop_domain::offers::{CooperationType, OfferKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::offers::Offer;

/// Why an offer was suggested. Each part adds to the score (0–100): shared sectors up to 40,
/// each direction of country fit 15, shared cooperation types up to 10, text similarity up to
/// 20 (for company matches: shared sectors up to 60, country fit 40).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "sector_overlap": ["medtech"],
    "country_fit": true,
    "shared_cooperation_types": ["distribution"],
    "text_similarity": 0.41
}))]
pub struct MatchReasons {
    /// Sector codes both sides have.
    pub sector_overlap: Vec<String>,
    /// Whether a company's country is among the other side's target countries (either way).
    pub country_fit: bool,
    /// Forms of cooperation both offers name (offer matches only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_cooperation_types: Option<Vec<CooperationType>>,
    /// Trigram similarity of the two offers' titles, 0 to 1 (offer matches only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_similarity: Option<f64>,
}

/// A suggested offer, its score and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Match {
    /// 0 to 100; higher is better. Equal scores are ordered newest offer first, then by id.
    #[schema(example = 71.5)]
    pub score: f64,
    pub reasons: MatchReasons,
    pub offer: Offer,
}

/// The best matches, best first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Matches {
    pub items: Vec<Match>,
}

/// Query parameters of the match lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// How many matches, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: crate::http::params::Limit,
}

/// The kind of offer that answers `kind`: an offer meets a request of its family, R&D
/// partnerships meet each other.
pub fn complement(kind: OfferKind) -> OfferKind {
    use OfferKind::*;
    match kind {
        BusinessOffer => BusinessRequest,
        BusinessRequest => BusinessOffer,
        TechnologyOffer => TechnologyRequest,
        TechnologyRequest => TechnologyOffer,
        InvestmentOffer => InvestmentRequest,
        InvestmentRequest => InvestmentOffer,
        RdPartnership => RdPartnership,
    }
}

/// Rounds a score or similarity for display (two decimals), so equal inputs read equal.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
