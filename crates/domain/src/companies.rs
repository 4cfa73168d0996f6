//! Organisations.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::text_enum::text_enum_sql;

/// What kind of organisation this is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum CompanyKind {
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
text_enum_sql!(CompanyKind);
