//! Server functions of the 争创活动: thin adapters over `server`.

use super::{DriveForm, DriveNow, DriveSetup};
use crate::error::AppError;
use leptos::prelude::*;

/// What the banner says to whoever is signed in; nothing to anyone else (the banner sits on
/// every page, the sign-in and survey pages included, and must not turn them into errors).
#[server(endpoint = "drive_now")]
pub async fn load_drive_now() -> Result<Option<DriveNow>, AppError> {
    let state = crate::state::app_state()?;
    if use_context::<http::request::Parts>().is_none() {
        return Ok(None);
    }
    let viewer = match crate::auth::server::current_user().await {
        Ok(v) => v,
        Err(AppError::Unauthorized) => return Ok(None),
        Err(e) => return Err(e),
    };
    // A storage failure leaves the banner out rather than failing the page around it.
    match super::server::now_for(&state.db, &viewer, crate::db::now_ms()).await {
        Ok(now) => Ok(now),
        Err(e) => {
            tracing::warn!(error = ?e, "the 争创活动 banner left out");
            Ok(None)
        }
    }
}

/// The setup page: the 争创活动 of the viewer's school (its admin) or bureau (its admin).
#[server(endpoint = "drive_setup")]
pub async fn load_drive_setup() -> Result<DriveSetup, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::server::setup(&state.db, &viewer, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// Saves the 争创活动: its title, years and phases (rows without a kind are left out).
#[server(endpoint = "drive_save")]
pub async fn save_drive(form: DriveForm) -> Result<(), AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    let drive = form.drive().map_err(|m| AppError::Invalid(m).respond())?;
    super::server::save(&state.db, &viewer, drive, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect("/drive?saved=1");
    Ok(())
}
