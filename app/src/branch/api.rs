//! Server functions of the branch pages: thin adapters over `server.rs`.

use super::{BranchOverview, MyBranches};
use crate::error::AppError;
use leptos::prelude::*;

/// One branch's activities and year figure; the viewer must run that branch or its school.
#[server(endpoint = "branch_overview")]
pub async fn load_branch_overview(branch_id: String) -> Result<BranchOverview, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::server::branch_overview(
        &state.db,
        &viewer,
        &branch_id,
        &state.config.cadence,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The branches the signed-in secretary or admin runs, with their year figures.
#[server(endpoint = "my_branches")]
pub async fn load_my_branches() -> Result<MyBranches, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::server::my_branches(&state.db, &viewer, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
