//! Cross-cutting HTTP pieces shared by every resource: problem errors, extractors, pagination,
//! ETags, merge patch, rate limiting and security headers.

pub mod etag;
pub mod extract;
pub mod head;
pub mod listing;
pub mod pagination;
pub mod params;
pub mod patch;
pub mod problem;
pub mod ratelimit;
pub mod request_id;
pub mod routes;
pub mod security;
pub mod slices;
pub mod upsert;

pub use etag::{Condition, Tagged, check_if_match, if_match};
pub use extract::{JsonBody, NestedPath, PathId, Query};
pub use pagination::{Cursor, Page};
pub use patch::Patch;
pub use problem::{ApiError, FieldError, Problem};
