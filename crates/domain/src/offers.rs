//! Cooperation offers: what they are, their lifecycle, and when one is listed.

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::text_enum::{key_enum, text_enum};

text_enum! {
    /// What the offer is: an offer or a request, of business, technology or investment, or an
    /// R&D partnership.
    OfferKind {
        BusinessOffer,
        BusinessRequest,
        TechnologyOffer,
        TechnologyRequest,
        InvestmentOffer,
        InvestmentRequest,
        RdPartnership,
    }
}

text_enum! {
    /// A form of cooperation.
    CooperationType {
        CommercialAgreement,
        Distribution,
        Franchise,
        JointVenture,
        Licensing,
        Subcontracting,
        Supply,
        Investment,
        ResearchCooperation,
        TechnicalCooperation,
        Acquisition,
    }
}

text_enum! {
    /// The stored lifecycle state: `draft` → `published` → `closed` (a draft may also be
    /// closed directly). Nothing leaves `closed`, and nothing returns to `draft`.
    OfferStatus {
        Draft,
        Published,
        Closed,
    }
}

impl OfferStatus {
    pub fn can_move_to(self, next: OfferStatus) -> bool {
        use OfferStatus::*;
        self == next
            || matches!(
                (self, next),
                (Draft, Published) | (Draft, Closed) | (Published, Closed)
            )
    }
}

/// The status a reader sees: a published offer past `valid_until` reads as `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    Draft,
    Published,
    Closed,
    Expired,
}

impl OfferState {
    /// The state a reader sees on `today`.
    pub fn of(status: OfferStatus, valid_until: Option<NaiveDate>, today: NaiveDate) -> Self {
        match status {
            OfferStatus::Draft => OfferState::Draft,
            OfferStatus::Closed => OfferState::Closed,
            OfferStatus::Published if valid_until.is_some_and(|d| d < today) => OfferState::Expired,
            OfferStatus::Published => OfferState::Published,
        }
    }

    /// Listed: published and not expired, so anyone may read it.
    pub fn is_listed(self) -> bool {
        self == OfferState::Published
    }
}

/// Today in UTC: the day `valid_until` is compared with.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

key_enum! {
    /// Which offers a list shows by status.
    #[derive(Default)]
    StatusFilter {
        /// Published and not expired (the default).
        #[default]
        Published = "published",
        /// Published but past `valid_until`.
        Expired = "expired",
        Draft = "draft",
        Closed = "closed",
        /// Every status.
        Any = "any",
    }
}

key_enum! {
    /// Sort orders of the offer list.
    #[derive(Default)]
    OfferSort {
        /// Newest first (the default).
        #[default]
        CreatedAtDesc = "-created_at",
        /// Oldest first.
        CreatedAt = "created_at",
        /// Least recently changed first: with `updated_since`, what a sync reads.
        UpdatedAt = "updated_at",
        /// Most recently changed first.
        UpdatedAtDesc = "-updated_at",
    }
}

impl OfferSort {
    pub fn descending(self) -> bool {
        matches!(self, OfferSort::CreatedAtDesc | OfferSort::UpdatedAtDesc)
    }

    /// Whether the sort key is the time of the last change rather than the creation.
    pub fn by_update(self) -> bool {
        matches!(self, OfferSort::UpdatedAt | OfferSort::UpdatedAtDesc)
    }
}
