//! `GET /api/v1/search`: one search over companies, speakers, events and offers.

use crate::replicas::ReadPool;
use actix_web::{HttpRequest, HttpResponse, get};
use coop_domain::offers::today;

use super::snippet;
use super::types::*;
use crate::http::pagination::forged;
use crate::http::{ApiError, Cursor, Page, Query};
use coop_domain::search::{HitType, SearchText};
use coop_store::search::{self as store, After, HitRow};

const SORT: &str = "relevance";

/// Search everything
///
/// Finds companies, speakers, events and published offers by words in any of the platform's
/// languages and scripts: "médicaux" finds "médical", "exoskeletons" "exoskeleton", "больницы"
/// "больница"; case and accents are ignored; Cyrillic and Latin meet ("Дридзе" finds
/// "Dridzé", "Skolkovo" finds "Сколково"); a name also matches with a typo or another
/// transliteration ("Evgeni Dridze"). Every word must match (stop words such as "de" or
/// "the" are ignored).
///
/// Hits whose name or title holds every word come first, newest first; then, when no name
/// holds every word, names that resemble the search, most similar first; then hits whose
/// other text matches, newest first. Each hit carries
/// the snippet that matched. Drafts, unlisted offers and draft events are never found here
/// (lists with `q` find them for those who may see them).
#[utoipa::path(
    tag = "search",
    operation_id = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "One page of hits, best first", body = Page<SearchHit>,
            headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))),
    ),
)]
#[get("/search")]
pub async fn search(
    req: HttpRequest,
    pool: ReadPool,
    params: Query<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.0;
    let q = params.q;
    let types = match params.types {
        Some(types) => types,
        None => HitType::parse_list(None)?,
    };
    let limit = params.limit.get();
    let after = params.cursor.map(parse_cursor).transpose()?;
    let today = today();
    let tsquery = store::tsquery(&mut *pool.get().await?, &q).await?;
    // One connection per type, queried at once: the answer waits for the slowest type
    // rather than for all of them in turn.
    let searches = types.iter().map(|&t| {
        let (pool, tsquery, q) = (&pool, &tsquery, &q);
        async move {
            let mut conn = pool.get().await?;
            let rows = store::search(&mut conn, t, tsquery, q, after, limit + 1, today).await?;
            Ok::<_, ApiError>(rows.into_iter().map(move |row| (t, row)))
        }
    });
    let mut hits: Vec<_> = futures_util::future::try_join_all(searches)
        .await?
        .into_iter()
        .flatten()
        .collect();
    hits.sort_by(|(_, a), (_, b)| {
        b.tier
            .cmp(&a.tier)
            .then(b.similarity.total_cmp(&a.similarity))
            .then((b.created_at, b.id).cmp(&(a.created_at, a.id)))
    });
    let page = Page::from_rows(
        hits,
        limit,
        |(_, row)| Cursor {
            s: SORT.into(),
            k: serde_json::json!([row.tier, row.similarity, row.created_at.timestamp_micros()]),
            id: row.id,
        },
        |(t, row)| to_hit(t, row, &q),
    );
    Ok(page.respond(&req))
}

fn parse_cursor(cursor: Cursor) -> Result<After, ApiError> {
    let cursor = cursor.for_sort(SORT)?;
    let (tier, similarity, micros) = match cursor.k.as_array().map(Vec::as_slice) {
        Some([tier, similarity, micros]) => (tier.as_i64(), similarity.as_f64(), micros.as_i64()),
        _ => return Err(forged()),
    };
    let similarity = similarity.filter(|s| s.is_finite()).ok_or_else(forged)?;
    let tier = tier
        .and_then(|t| i32::try_from(t).ok())
        .filter(|t| (1..=3).contains(t))
        .ok_or_else(forged)?;
    let created_at = micros
        .and_then(chrono::DateTime::from_timestamp_micros)
        .ok_or_else(forged)?;
    Ok(After {
        tier,
        similarity,
        created_at,
        id: cursor.id,
    })
}

fn to_hit(t: HitType, row: HitRow, q: &SearchText) -> SearchHit {
    let fields: Vec<(&str, Option<&str>)> = store::field_names(t)
        .iter()
        .copied()
        .zip(row.fields.iter().map(Option::as_deref))
        .collect();
    SearchHit {
        hit_type: t,
        id: row.id,
        snippet: snippet::build(&fields, q),
        match_kind: MatchKind::from_tier(row.tier),
        href: format!("{}/{}", t.collection(), row.id),
        name: row.name,
    }
}
