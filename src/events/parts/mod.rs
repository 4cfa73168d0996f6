//! The parts of an event — venues, sessions, speaker appearances, participating companies —
//! at `/api/v1/events/{id}/<part>`. They belong to their event (deleting the event deletes
//! them). Each part implements [`Part`] (its validation and view; its queries are the
//! store's `PartTable`); the request flows
//! (404 for a part of another event, ETags, If-Match, merge patch, keyset lists) are written
//! once here.

pub mod appearances;
pub mod participants;
pub mod sessions;
pub mod venues;

use crate::idempotency;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::auth::Caller;
use crate::http::pagination::after_time;
use crate::http::params::{self, Limit};
use crate::http::{ApiError, Cursor, Page, Tagged, check_if_match, if_match};
use coop_domain::Errors;
use coop_store::db::DbPool;
use coop_store::event_parts::PartTable;
use coop_store::events;
use coop_store::events::EventRow;
use coop_store::sectors::SectorCatalog;

/// A kind of event part: its types, validation and queries.
pub trait Part: Send + Sync + 'static {
    /// Singular name for messages ("venue").
    const NAME: &'static str;
    /// The path segment ("venues").
    const COLLECTION: &'static str;
    /// Foreign keys whose violation means a field names nothing: (constraint, field, what).
    const REFS: &'static [(&'static str, &'static str, &'static str)];
    /// Why a delete was refused when other parts still use this one.
    const IN_USE: &'static str;
    /// Why a create or update was refused by a unique constraint.
    const DUPLICATE: &'static str;

    type Row: Clone + Send + Sync + 'static;
    /// The table the parts are stored in.
    type Table: PartTable<Row = Self::Row>;
    type View: Serialize + Send;
    type Create: DeserializeOwned + Send + 'static;
    type Update: DeserializeOwned + Send + 'static;

    fn view(row: Self::Row) -> Self::View;
    /// The full new state of a part: the patch applied to the stored one.
    fn apply(update: Self::Update, current: &Self::Row, errors: &mut Errors) -> Self::Create;
    /// Validates a part of `event` and builds the row to store.
    fn build(
        create: Self::Create,
        event: &EventRow,
        catalog: &SectorCatalog,
        errors: Errors,
        id: Uuid,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self::Row, ApiError>;
}

fn location<P: Part>(event_id: Uuid, id: Uuid) -> String {
    format!("/api/v1/events/{event_id}/{}/{id}", P::COLLECTION)
}

/// Maps insert/update failures: missing references are 422, duplicates 409.
fn write_error<P: Part>(e: diesel::result::Error) -> ApiError {
    match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => ApiError::conflict(P::DUPLICATE),
        other => ApiError::dangling(P::REFS)(other),
    }
}

fn event_missing(event_id: Uuid) -> impl FnOnce(diesel::result::Error) -> ApiError {
    ApiError::missing("event", event_id)
}

fn no_event(event_id: Uuid) -> ApiError {
    ApiError::not_found(format!("no event with id {event_id}"))
}

fn part_missing<P: Part>(id: Uuid) -> impl FnOnce(diesel::result::Error) -> ApiError {
    ApiError::missing(P::NAME, id)
}

/// Parts of a draft event are seen by editors and admins only; for anyone else the event
/// does not exist.
async fn check_event_visible(
    caller: &Caller,
    conn: &mut AsyncPgConnection,
    event_id: Uuid,
) -> Result<(), ApiError> {
    if caller.is_staff() {
        return Ok(());
    }
    events::find_visible(conn, caller, event_id)
        .await?
        .map(drop)
        .ok_or_else(|| no_event(event_id))
}

pub async fn create<P: Part>(
    caller: &Caller,
    pool: &DbPool,
    catalog: &SectorCatalog,
    event_id: Uuid,
    body: P::Create,
) -> Result<HttpResponse, ApiError> {
    caller.require_staff()?;
    let catalog = catalog.clone();
    let mut conn = pool.get().await?;
    let row = idempotency::transaction(&mut conn, async |conn| {
        // Locks the event's key so its window and existence hold until the part is stored.
        let event = events::find_for_share(conn, event_id)
            .await
            .map_err(event_missing(event_id))?;
        let now = Utc::now();
        let row = P::build(
            body,
            &event,
            &catalog,
            Errors::default(),
            Uuid::now_v7(),
            now,
            now,
        )?;
        P::Table::insert(conn, &row).await.map_err(write_error::<P>)
    })
    .await?;
    let mut created = HttpResponse::Created();
    created.insert_header((
        header::LOCATION,
        location::<P>(event_id, P::Table::id(&row)),
    ));
    Ok(Tagged::new(&P::view(row))?.with_status(created))
}

pub async fn get<P: Part>(
    caller: &Caller,
    req: &HttpRequest,
    pool: &DbPool,
    event_id: Uuid,
    id: Uuid,
) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    check_event_visible(caller, &mut conn, event_id).await?;
    let row = P::Table::find(&mut conn, event_id, id, false)
        .await
        .map_err(part_missing::<P>(id))?;
    Ok(Tagged::new(&P::view(row))?.respond(req))
}

pub async fn update<P: Part>(
    caller: &Caller,
    req: &HttpRequest,
    pool: &DbPool,
    catalog: &SectorCatalog,
    event_id: Uuid,
    id: Uuid,
    patch: P::Update,
) -> Result<HttpResponse, ApiError> {
    caller.require_staff()?;
    let if_match = if_match(req.headers());
    let catalog = catalog.clone();
    let mut conn = pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let event = events::find_for_share(conn, event_id)
                .await
                .map_err(event_missing(event_id))?;
            let current = P::Table::find(conn, event_id, id, true)
                .await
                .map_err(part_missing::<P>(id))?;
            let etag = Tagged::new(&P::view(current.clone()))?.etag;
            let mut errors = Errors::default();
            let create = P::apply(patch, &current, &mut errors);
            let row = P::build(
                create,
                &event,
                &catalog,
                errors,
                id,
                P::Table::created_at(&current),
                Utc::now(),
            )?;
            check_if_match(if_match.as_ref(), &etag)?;
            P::Table::update(conn, &row).await.map_err(write_error::<P>)
        })
        .await?;
    Ok(Tagged::new(&P::view(row))?.with_status(HttpResponse::Ok()))
}

pub async fn delete<P: Part>(
    caller: &Caller,
    req: &HttpRequest,
    pool: &DbPool,
    event_id: Uuid,
    id: Uuid,
) -> Result<HttpResponse, ApiError> {
    caller.require_staff()?;
    let if_match = if_match(req.headers());
    let mut conn = pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let current = P::Table::find(conn, event_id, id, true)
            .await
            .map_err(part_missing::<P>(id))?;
        check_if_match(if_match.as_ref(), &Tagged::new(&P::view(current))?.etag)?;
        P::Table::delete(conn, id).await.map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => ApiError::conflict(P::IN_USE),
            other => other.into(),
        })?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Query parameters of the part lists.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartListParams {
    /// Only those changed at or after this time (RFC 3339).
    #[serde(default, deserialize_with = "params::timestamp")]
    #[param(example = "2019-11-14T00:00:00Z")]
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1 to 100.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Limit,
    /// `next_cursor` of the previous page.
    #[serde(default, deserialize_with = "params::cursor")]
    #[param(value_type = Option<String>)]
    pub cursor: Option<Cursor>,
}

pub async fn list<P: Part>(
    caller: &Caller,
    req: &HttpRequest,
    pool: &DbPool,
    event_id: Uuid,
    params: PartListParams,
) -> Result<HttpResponse, ApiError> {
    let limit = params.limit.get();
    let after = after_time(params.cursor, P::COLLECTION)?;
    let mut conn = pool.get().await?;
    events::find_visible(&mut conn, caller, event_id)
        .await?
        .ok_or_else(|| no_event(event_id))?;
    let rows = P::Table::list(
        &conn,
        vec![event_id],
        params.updated_since,
        after,
        Some(limit),
    )
    .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |row| Cursor::at_time(P::COLLECTION, P::Table::list_key(row), P::Table::id(row)),
        P::view,
    );
    Ok(page.respond(req))
}

/// The shared data every part handler needs.
pub type Pool = web::Data<DbPool>;
pub type Catalog = web::Data<SectorCatalog>;
