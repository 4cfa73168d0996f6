//! Creating or replacing a speaker by its external id: `PUT
//! /api/v1/speakers/by-external-id/{external_id}`.

use chrono::Utc;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::types::{CreateSpeaker, Speaker};
use crate::auth::{Caller, Scope};
use crate::http::upsert::{Outcome, Preconditions, same_external_id};
use crate::http::{ApiError, Tagged};
use coop_domain::Errors;
use coop_store::speakers::{self as store, SpeakerRow};

/// Foreign keys of a speaker.
pub const REFS: &[(&str, &str, &str)] = &[("speakers_company_id_fkey", "company_id", "company")];

/// Unique constraints of a speaker.
pub const UNIQUE: &[(&str, &str)] = &[(
    "speakers_external_id",
    "another speaker of this company has this `external_id`",
)];

/// Creates the speaker of `body.company_id` (a company key's own company when it names
/// none) with `external_id`, or replaces it, in the caller's transaction.
pub async fn upsert_speaker(
    conn: &mut AsyncPgConnection,
    caller: &Caller,
    external_id: &str,
    mut body: CreateSpeaker,
    preconditions: &Preconditions,
) -> Result<(SpeakerRow, Outcome), ApiError> {
    if let Scope::Company(own) = caller.scope() {
        body.company_id.get_or_insert(own);
    }
    caller.require_owner(body.company_id)?;
    let mut errors = Errors::default();
    same_external_id(&mut errors, &body.external_id, external_id);
    body.external_id = Some(external_id.to_string());
    let current = store::find_by_external_id_for_update(conn, body.company_id, external_id).await?;
    let Some(current) = current else {
        // Invalid content is reported as such (422) whatever the preconditions say.
        let draft = body.parse(errors)?;
        preconditions.check_absent()?;
        let now = Utc::now();
        let row = store::insert(conn, &draft.into_row(Uuid::now_v7(), now, now))
            .await
            .map_err(ApiError::rejected(REFS, UNIQUE))?;
        return Ok((row, Outcome::Created));
    };
    let draft = body.parse(errors)?;
    let etag = Tagged::new(&Speaker::from_row(current.clone(), caller))?.etag;
    preconditions.check_present(&etag)?;
    let row = draft.into_row(current.id, current.created_at, Utc::now());
    // Unchanged when the representation would be the same but for the time of the write.
    let same = SpeakerRow {
        updated_at: current.updated_at,
        ..row.clone()
    };
    if Tagged::new(&Speaker::from_row(same, caller))?.etag == etag {
        return Ok((current, Outcome::Unchanged));
    }
    let row = store::update(conn, &row)
        .await
        .map_err(ApiError::rejected(REFS, UNIQUE))?;
    Ok((row, Outcome::Updated))
}
