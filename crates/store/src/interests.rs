//! Expressions of interest as stored, and their queries.

use chrono::{DateTime, Utc};
use coop_domain::interests::InterestStatus;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::cooperation_interests;

/// An interest as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = crate::schema::cooperation_interests)]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct InterestRow {
    pub id: Uuid,
    #[diesel(skip_update)]
    pub offer_id: Uuid,
    #[diesel(skip_update)]
    pub company_id: Uuid,
    #[diesel(skip_update)]
    pub message: String,
    #[diesel(skip_update)]
    pub contact_name: String,
    #[diesel(skip_update)]
    pub contact_email: Option<String>,
    #[diesel(skip_update)]
    pub contact_phone: Option<String>,
    pub status: InterestStatus,
    pub reply: Option<String>,
    pub owner_contact_name: Option<String>,
    pub owner_contact_email: Option<String>,
    pub owner_contact_phone: Option<String>,
    #[diesel(skip_update)]
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &InterestRow) -> QueryResult<InterestRow> {
    diesel::insert_into(cooperation_interests::table)
        .values(row)
        .returning(InterestRow::as_returning())
        .get_result(conn)
        .await
}

/// The interest `id` in offer `offer_id`, locked for update when `lock`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    offer_id: Uuid,
    id: Uuid,
    lock: bool,
) -> QueryResult<InterestRow> {
    let query = cooperation_interests::table
        .filter(cooperation_interests::id.eq(id))
        .filter(cooperation_interests::offer_id.eq(offer_id))
        .select(InterestRow::as_select());
    if lock {
        query.for_update().first(conn).await
    } else {
        query.first(conn).await
    }
}

pub async fn decide(conn: &mut AsyncPgConnection, row: &InterestRow) -> QueryResult<InterestRow> {
    diesel::update(cooperation_interests::table.find(row.id))
        .set(row)
        .returning(InterestRow::as_returning())
        .get_result(conn)
        .await
}

/// The interests in an offer, newest first; only `sender`'s when given.
pub async fn list(
    conn: &mut AsyncPgConnection,
    offer_id: Uuid,
    sender: Option<Uuid>,
    status: Option<InterestStatus>,
    updated_since: Option<DateTime<Utc>>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<InterestRow>> {
    use cooperation_interests::dsl as i;
    let mut query = cooperation_interests::table
        .filter(i::offer_id.eq(offer_id))
        .select(InterestRow::as_select())
        .into_boxed();
    if let Some(sender) = sender {
        query = query.filter(i::company_id.eq(sender));
    }
    if let Some(status) = status {
        query = query.filter(i::status.eq(status));
    }
    if let Some(since) = updated_since {
        query = query.filter(i::updated_at.ge(since));
    }
    if let Some((at, id)) = after {
        query = query.filter(crate::listing::keyset_after(
            i::created_at,
            i::id,
            at,
            id,
            true,
        ));
    }
    query
        .order((i::created_at.desc(), i::id.desc()))
        .limit(limit + 1)
        .load(conn)
        .await
}
