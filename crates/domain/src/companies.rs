//! Organisations.

use crate::text_enum::text_enum;

text_enum! {
    /// What kind of organisation this is.
    CompanyKind {
        /// An established firm (e.g. Orange Business Services, Orpea).
        Company,
        /// A young company (e.g. Cargo.Tech, ExoAtlet).
        Startup,
        /// A ministry, city department or trade representation.
        GovernmentBody,
        /// A chamber of commerce and industry (e.g. CCI France Russie).
        ChamberOfCommerce,
        /// A university, business or engineering school.
        University,
        /// A foundation (e.g. the Skolkovo Foundation).
        Foundation,
        /// A cluster of companies (e.g. the Skolkovo international medical cluster).
        Cluster,
        /// A business club or association (e.g. French Tech Moscow).
        Association,
        Other,
    }
}
