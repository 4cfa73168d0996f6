//! Cooperation offer queries.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::types::{OfferFilter, OfferRow, OfferSort, OfferStatus, StatusFilter};
use crate::domain::text::like_contains;
use crate::schema::{companies, cooperation_offers};

pub async fn insert(conn: &mut AsyncPgConnection, row: &OfferRow) -> QueryResult<OfferRow> {
    diesel::insert_into(cooperation_offers::table)
        .values(row)
        .returning(OfferRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<OfferRow> {
    cooperation_offers::table
        .find(id)
        .select(OfferRow::as_select())
        .first(conn)
        .await
}

pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<OfferRow> {
    cooperation_offers::table
        .find(id)
        .select(OfferRow::as_select())
        .for_update()
        .first(conn)
        .await
}

pub async fn update(conn: &mut AsyncPgConnection, row: &OfferRow) -> QueryResult<OfferRow> {
    use cooperation_offers::dsl as o;
    diesel::update(cooperation_offers::table.find(row.id))
        .set((
            o::kind.eq(row.kind),
            o::cooperation_types.eq(&row.cooperation_types),
            o::title.eq(&row.title),
            o::summary.eq(&row.summary),
            o::description.eq(&row.description),
            o::sectors.eq(&row.sectors),
            o::target_countries.eq(&row.target_countries),
            o::language.eq(&row.language),
            o::status.eq(row.status),
            o::published_at.eq(row.published_at),
            o::valid_until.eq(row.valid_until),
            o::event_id.eq(row.event_id),
            o::search_text.eq(&row.search_text),
            o::updated_at.eq(row.updated_at),
        ))
        .returning(OfferRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(cooperation_offers::table.find(id))
        .execute(conn)
        .await
}

/// One page of offers, `limit + 1` rows, newest or oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &OfferFilter,
    sort: OfferSort,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
    today: NaiveDate,
) -> QueryResult<Vec<OfferRow>> {
    use cooperation_offers::dsl as o;
    let mut query = cooperation_offers::table
        .select(OfferRow::as_select())
        .into_boxed();
    if let Some(company_id) = filter.company_id {
        query = query.filter(o::company_id.eq(company_id));
    }
    if let Some(country) = &filter.company_country {
        query = query.filter(
            o::company_id.eq_any(
                companies::table
                    .filter(companies::country.eq(country.clone()))
                    .select(companies::id),
            ),
        );
    }
    if let Some(kind) = filter.kind {
        query = query.filter(o::kind.eq(kind));
    }
    if let Some(t) = filter.cooperation_type {
        query = query.filter(o::cooperation_types.contains(vec![t]));
    }
    if let Some(sector) = &filter.sector {
        query = query.filter(o::sectors.contains(vec![sector.clone()]));
    }
    if let Some(country) = &filter.target_country {
        query = query.filter(o::target_countries.contains(vec![country.clone()]));
    }
    if let Some(event_id) = filter.event_id {
        query = query.filter(o::event_id.eq(event_id));
    }
    if let Some(q) = &filter.q {
        query = query.filter(o::search_text.like(like_contains(q)));
    }
    let not_expired = o::valid_until.is_null().or(o::valid_until.ge(today));
    query = match filter.status {
        StatusFilter::Published => query
            .filter(o::status.eq(OfferStatus::Published))
            .filter(not_expired),
        StatusFilter::Expired => query
            .filter(o::status.eq(OfferStatus::Published))
            .filter(o::valid_until.lt(today)),
        StatusFilter::Draft => query.filter(o::status.eq(OfferStatus::Draft)),
        StatusFilter::Closed => query.filter(o::status.eq(OfferStatus::Closed)),
        StatusFilter::Any => query,
    };
    query = match (sort, after) {
        (_, None) => query,
        (OfferSort::CreatedAtDesc, Some((at, id))) => query.filter(
            o::created_at
                .lt(at)
                .or(o::created_at.eq(at).and(o::id.lt(id))),
        ),
        (OfferSort::CreatedAt, Some((at, id))) => query.filter(
            o::created_at
                .gt(at)
                .or(o::created_at.eq(at).and(o::id.gt(id))),
        ),
    };
    query = match sort {
        OfferSort::CreatedAtDesc => query.order((o::created_at.desc(), o::id.desc())),
        OfferSort::CreatedAt => query.order((o::created_at.asc(), o::id.asc())),
    };
    query.limit(limit + 1).load(conn).await
}
