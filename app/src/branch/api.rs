//! Server functions of the branch pages: thin adapters over `server.rs`.

use super::{BranchOverview, MyBranches};
use crate::error::AppError;
use leptos::prelude::*;

/// One branch's activities and figures of `year` (the current year when left out); the viewer
/// must run that branch or its school.
#[server(endpoint = "branch_overview")]
pub async fn load_branch_overview(
    branch_id: String,
    year: Option<i32>,
) -> Result<BranchOverview, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::server::branch_year(
        &state.db,
        &viewer,
        &branch_id,
        &state.config.cadence,
        crate::db::now_ms(),
        year,
    )
    .await
    .map_err(AppError::respond)
}

/// The branches the signed-in secretary or admin runs, with their figures of `year` (the
/// current year when left out); `school` picks one school's (a bureau's viewer reads its
/// schools one at a time).
#[server(endpoint = "my_branches")]
pub async fn load_my_branches(
    year: Option<i32>,
    school: Option<String>,
) -> Result<MyBranches, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    let school = school.filter(|s| !s.trim().is_empty());
    super::server::branches_year(
        &state.db,
        &viewer,
        crate::db::now_ms(),
        year,
        school.as_deref(),
    )
    .await
    .map_err(AppError::respond)
}

/// The 总支 closes a year that is over (年度封存): its figures are snapshotted and its records
/// take no more changes.
#[server(endpoint = "close_year")]
pub async fn close_year(year: i32) -> Result<(), AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::closing::close_year(
        &state.db,
        &viewer,
        &state.config.cadence,
        year,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The 总支 reopens a closed year to correct it, with the reason (kept in the year's trail).
#[server(endpoint = "reopen_year")]
pub async fn reopen_year(year: i32, reason: String) -> Result<(), AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::closing::reopen_year(&state.db, &viewer, year, &reason, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
