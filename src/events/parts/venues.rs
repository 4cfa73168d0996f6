//! Venues: the sites of an event (a hall in Moscow, the Aéro-Club de France in Paris).

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Catalog, Part, PartListParams, Pool};
use crate::auth::Caller;
use crate::http::{ApiError, JsonBody, NestedPath, Page, Patch, PathId, Problem, Query};
use coop_domain::text::{self, Lines};
use coop_domain::timezone::{self, TimeZoneName};
use coop_domain::{Country, CountryCode, Errors, Whole};
use coop_store::event_parts::venues::{Venue, VenuesTable};
use coop_store::events::EventRow;
use coop_store::sectors::SectorCatalog;

/// A new venue.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Aéro-Club de France",
    "address": "6 rue Galilée, 75116 Paris",
    "city": "Paris",
    "country": "FR",
    "timezone": "Europe/Paris",
    "attendance": 60
}))]
pub struct CreateVenue {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    #[schema(max_length = 300, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub address: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub city: String,
    #[schema(value_type = CountryCode)]
    pub country: String,
    #[schema(value_type = TimeZoneName)]
    pub timezone: String,
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 1000000)]
    pub capacity: Option<Whole>,
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 1000000)]
    pub attendance: Option<Whole>,
}

/// A JSON merge patch of a venue; `name`, `city`, `country` and `timezone` cannot be cleared.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"attendance": 150}))]
pub struct UpdateVenue {
    #[serde(default)]
    #[schema(value_type = Option<String>, nullable = false, required = false, min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$")]
    pub name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, max_length = 300, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub address: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, nullable = false, required = false, min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$")]
    pub city: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<CountryCode>, nullable = false, required = false)]
    pub country: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<TimeZoneName>, nullable = false, required = false)]
    pub timezone: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 1000000)]
    pub capacity: Patch<Whole>,
    #[serde(default)]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 1000000)]
    pub attendance: Patch<Whole>,
}

fn head_count(errors: &mut Errors, field: &str, value: Option<Whole>) -> Option<i32> {
    match value.map(|w| w.0) {
        Some(n) if !(0..=1_000_000).contains(&n) => {
            errors.add(field, "must be between 0 and 1000000");
            None
        }
        other => other,
    }
}

pub struct Venues;

impl Part for Venues {
    const NAME: &'static str = "venue";
    const COLLECTION: &'static str = "venues";
    const REFS: &'static [(&'static str, &'static str, &'static str)] = &[];
    const IN_USE: &'static str =
        "sessions of the event still take place at this venue; move or delete them first";
    const DUPLICATE: &'static str = "this venue already exists";

    type Row = Venue;
    type Table = VenuesTable;
    type View = Venue;
    type Create = CreateVenue;
    type Update = UpdateVenue;

    fn view(row: Venue) -> Venue {
        row
    }

    fn apply(u: UpdateVenue, c: &Venue, errors: &mut Errors) -> CreateVenue {
        let c = c.clone();
        CreateVenue {
            name: u.name.required(errors, "name", c.name),
            address: u.address.apply_to(c.address),
            city: u.city.required(errors, "city", c.city),
            country: u.country.required(errors, "country", c.country),
            timezone: u.timezone.required(errors, "timezone", c.timezone),
            capacity: u.capacity.apply_to(c.capacity.map(Whole)),
            attendance: u.attendance.apply_to(c.attendance.map(Whole)),
        }
    }

    fn build(
        v: CreateVenue,
        event: &EventRow,
        _: &SectorCatalog,
        mut errors: Errors,
        id: Uuid,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Venue, ApiError> {
        let name = text::required(&mut errors, "name", &v.name, 200);
        let address = text::optional(
            &mut errors,
            "address",
            v.address.as_deref(),
            300,
            Lines::One,
        );
        let city = text::required(&mut errors, "city", &v.city, 100);
        let country = errors.check("country", Country::parse(&v.country));
        let timezone = errors.check("timezone", timezone::parse(&v.timezone));
        let capacity = head_count(&mut errors, "capacity", v.capacity);
        let attendance = head_count(&mut errors, "attendance", v.attendance);
        errors.finish()?;
        Ok(Venue {
            id,
            event_id: event.id,
            name: name.unwrap_or_default(),
            address,
            city: city.unwrap_or_default(),
            country: country.map(Country::into_inner).unwrap_or_default(),
            timezone: timezone.unwrap_or_default(),
            capacity,
            attendance,
            created_at,
            updated_at: now,
        })
    }
}

/// List the venues of an event
#[utoipa::path(
    tag = "events",
    operation_id = "listEventVenues",
    params(("id" = Uuid, Path, description = "Event id"), PartListParams),
    responses(
        (status = 200, description = "One page of venues", body = Page<Venue>),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/venues")]
pub async fn list_venues(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    id: PathId,
    params: Query<PartListParams>,
) -> Result<HttpResponse, ApiError> {
    super::list::<Venues>(&caller, &req, &pool, id.0, params.0).await
}

/// Add a venue to an event
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "createEventVenue",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Event id")),
    request_body(content = CreateVenue, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Venue,
            headers(("Location" = String, description = "URL of the new venue"), ("ETag" = String, description = "Entity tag"))),
        (status = 404, description = "No event has this id", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/events/{id}/venues")]
pub async fn create_venue(
    caller: Caller,
    pool: Pool,
    catalog: Catalog,
    id: PathId,
    body: JsonBody<CreateVenue>,
) -> Result<HttpResponse, ApiError> {
    super::create::<Venues>(&caller, &pool, &catalog, id.0, body.0).await
}

/// Get a venue of an event
#[utoipa::path(
    tag = "events",
    operation_id = "getEventVenue",
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Venue id"),
        ("If-None-Match" = Option<String>, Header, nullable = false, description = "ETags of copies the client holds"),
    ),
    responses(
        (status = 200, description = "The venue", body = Venue, headers(("ETag" = String, description = "Entity tag"))),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "No such venue in this event", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/events/{id}/venues/{part_id}")]
pub async fn get_venue(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    super::get::<Venues>(&caller, &req, &pool, path.parent_id, path.id).await
}

/// Update a venue of an event
///
/// A JSON merge patch (RFC 7396).
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "updateEventVenue",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Venue id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Apply only if the venue still has one of these ETags"),
    ),
    request_body(content((UpdateVenue = "application/merge-patch+json"), (UpdateVenue = "application/json"))),
    responses(
        (status = 200, description = "The updated venue", body = Venue, headers(("ETag" = String, description = "Entity tag"))),
        (status = 404, description = "No such venue in this event", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The venue changed since the client read it; nothing was changed", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/events/{id}/venues/{part_id}")]
pub async fn update_venue(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    catalog: Catalog,
    path: NestedPath,
    body: JsonBody<UpdateVenue>,
) -> Result<HttpResponse, ApiError> {
    super::update::<Venues>(
        &caller,
        &req,
        &pool,
        &catalog,
        path.parent_id,
        path.id,
        body.0,
    )
    .await
}

/// Remove a venue from an event
///
/// `409 Conflict` while sessions of the event still take place there.
///
/// Needs an editor or admin key.
#[utoipa::path(
    tag = "events",
    operation_id = "deleteEventVenue",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Event id"),
        ("part_id" = Uuid, Path, description = "Venue id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "Delete only if the venue still has one of these ETags"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such venue in this event", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sessions still take place at the venue", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The venue changed since the client read it; nothing was deleted", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/events/{id}/venues/{part_id}")]
pub async fn delete_venue(
    caller: Caller,
    req: HttpRequest,
    pool: Pool,
    path: NestedPath,
) -> Result<HttpResponse, ApiError> {
    super::delete::<Venues>(&caller, &req, &pool, path.parent_id, path.id).await
}
