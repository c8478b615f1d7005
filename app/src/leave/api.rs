//! Server functions of leave: thin adapters over `server.rs`.

use crate::error::AppError;
use leptos::prelude::*;

/// Approves or declines a leave request of a branch the signed-in user runs.
#[server(endpoint = "decide_leave")]
pub async fn decide_leave(id: String, approve: bool, note: String) -> Result<(), AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::server::decide(&state.db, &viewer, &id, approve, &note)
        .await
        .map_err(AppError::respond)
}
