//! Server functions of the commitment letters: thin adapters over `server`.

use super::{LetterView, PublicLetter};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

/// The letter of `org_id` (a branch, or a school for its 总支) for `year` (this year when left
/// out): whoever reads the organisation's rating reads it.
#[server(endpoint = "letter")]
pub async fn load_letter(org_id: String, year: Option<i32>) -> Result<LetterView, AppError> {
    let (state, viewer) = context().await?;
    super::server::view(&state.db, &viewer, &org_id, year, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// The organisers save the letter, and with `submit` submit it to the 总支.
#[server(endpoint = "letter_save")]
pub async fn save_letter(
    org_id: String,
    year: i32,
    title: String,
    body: String,
    submit: Option<String>,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::save(
        &state.db,
        &viewer,
        &org_id,
        year,
        (&title, &body),
        submit.is_some_and(|s| s != "false"),
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/letter?year={year}"));
    Ok(())
}

/// The 总支 approves a submitted letter, or returns it with a comment.
#[server(endpoint = "letter_decide")]
pub async fn decide_letter(
    org_id: String,
    year: i32,
    approve: bool,
    comment: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::decide(
        &state.db,
        &viewer,
        &org_id,
        year,
        approve,
        &comment,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/letter?year={year}"));
    Ok(())
}

/// The organisers publish an approved letter; returns its public page's path.
#[server(endpoint = "letter_publish")]
pub async fn publish_letter(org_id: String, year: i32) -> Result<String, AppError> {
    let (state, viewer) = context().await?;
    let path = super::server::publish(&state.db, &viewer, &org_id, year, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/letter?year={year}"));
    Ok(path)
}

/// A published letter, for anyone (no account).
#[server(endpoint = "letter_public")]
pub async fn load_public_letter(token: String) -> Result<PublicLetter, AppError> {
    let state = crate::state::app_state()?;
    let headers: http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
    let origin = crate::survey::server::origin_of(&state.config, &headers);
    super::server::public(&state.db, &token, &origin)
        .await
        .map_err(AppError::respond)
}
