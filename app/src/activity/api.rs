//! Server functions of activities: thin adapters over `server.rs`. Forms post to them
//! directly, so they work without JavaScript too.

use super::{ActivityForm, ActivityRecord, FormContext, ProofScreen};
use crate::error::AppError;
use crate::error::FieldError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

/// An activity's record (活动记录).
#[server(endpoint = "activity_record")]
pub async fn load_activity_record(id: String) -> Result<ActivityRecord, AppError> {
    let (state, viewer) = context().await?;
    super::server::record(&state.db, &viewer, &id, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// What the schedule or edit form starts from.
#[server(endpoint = "activity_form")]
pub async fn load_activity_form(
    branch_id: Option<String>,
    activity_id: Option<String>,
) -> Result<FormContext, AppError> {
    let (state, viewer) = context().await?;
    super::server::form_context(
        &state.db,
        &viewer,
        branch_id.as_deref(),
        activity_id.as_deref(),
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

// Forms that change a record return to it: without JavaScript leptos_axum redirects a form
// post back to its page; with it, the page reloads its data (`ui::reload_after`).

/// Schedules (no `activity_id`) or edits an activity. On success the browser goes to its
/// record; on a bad field the errors come back for the form to show.
#[server(endpoint = "save_activity")]
pub async fn save_activity(
    branch_id: String,
    activity_id: Option<String>,
    form: ActivityForm,
) -> Result<Vec<FieldError>, AppError> {
    let (state, viewer) = context().await?;
    let now = crate::db::now_ms();
    let saved = match activity_id.filter(|id| !id.is_empty()) {
        Some(id) => super::server::update(&state.db, &viewer, &id, &form, now)
            .await
            .map(|r| r.map(|()| id)),
        None => super::server::create(&state.db, &viewer, &branch_id, &form).await,
    }
    .map_err(AppError::respond)?;
    match saved {
        Ok(id) => {
            leptos_axum::redirect(&format!("/activity/{id}"));
            Ok(Vec::new())
        }
        Err(errors) => Ok(errors),
    }
}

#[server(endpoint = "cancel_activity")]
pub async fn cancel_activity(id: String, reason: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::cancel(&state.db, &viewer, &id, &reason, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

#[server(endpoint = "save_minutes")]
pub async fn save_minutes(id: String, minutes: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::save_minutes(&state.db, &viewer, &id, &minutes, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// Confirms (`confirm` true) or refuses every held check-in (待确认) of an activity.
#[server(endpoint = "review_checkins")]
pub async fn review_checkins(activity_id: String, confirm: bool) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::review_held(
        &state.db,
        &viewer,
        &activity_id,
        confirm,
        crate::db::now_ms(),
    )
    .await
    .map(|_| ())
    .map_err(AppError::respond)
}

/// Closes an activity's roll: it counts as held even though nobody checked in or was marked.
#[server(endpoint = "close_roll")]
pub async fn close_roll(activity_id: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::close_roll(&state.db, &viewer, &activity_id, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// Sets a member's attendance by hand (`present`, `excused`, `absent`, or `auto`).
#[server(endpoint = "mark_attendance")]
pub async fn mark_attendance(
    activity_id: String,
    user_id: String,
    mark: String,
    note: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let mark = crate::domain::attendance::Mark::parse(&mark)
        .ok_or_else(|| AppError::Invalid("未知的出席标记".into()).respond())?;
    super::server::mark(
        &state.db,
        &viewer,
        &activity_id,
        &user_id,
        mark,
        &note,
        crate::db::now_ms(),
    )
    .await
    .map(|_| ())
    .map_err(AppError::respond)
}

/// The organiser's rotating-code screen.
#[server(endpoint = "activity_proof")]
pub async fn load_proof_screen(id: String) -> Result<ProofScreen, AppError> {
    let (state, viewer) = context().await?;
    super::server::proof_screen(&state.db, &viewer, &id, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
