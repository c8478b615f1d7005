//! Server functions of the roster: thin adapters over `server.rs`.

use super::{ImportPreview, Invite, MemberForm, MemberList, MemberMoves, MemberView};
use crate::error::AppError;
use crate::error::FieldError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

#[server(endpoint = "members")]
pub async fn load_members(branch_id: String) -> Result<MemberList, AppError> {
    let (state, viewer) = context().await?;
    super::server::members(&state.db, &viewer, &branch_id)
        .await
        .map_err(AppError::respond)
}

#[server(endpoint = "member")]
pub async fn load_member(user_id: String) -> Result<(MemberList, MemberView), AppError> {
    let (state, viewer) = context().await?;
    super::server::member(&state.db, &viewer, &user_id)
        .await
        .map_err(AppError::respond)
}

/// Adds (no `user_id`) or edits a member; on success the browser goes back to the roster.
#[server(endpoint = "save_member")]
pub async fn save_member(
    branch_id: String,
    user_id: Option<String>,
    form: MemberForm,
) -> Result<Vec<FieldError>, AppError> {
    let (state, viewer) = context().await?;
    let user_id = user_id.filter(|u| !u.is_empty());
    let saved = super::server::save_member(
        &state.db,
        &viewer,
        &branch_id,
        user_id.as_deref(),
        &form,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    match saved {
        Ok(_) => {
            leptos_axum::redirect(&format!("/branch/{branch_id}/members"));
            Ok(Vec::new())
        }
        Err(errors) => Ok(errors),
    }
}

/// A member's moves to other branches, and where the 总支 may move them.
#[server(endpoint = "member_moves")]
pub async fn load_member_moves(user_id: String) -> Result<MemberMoves, AppError> {
    let (state, viewer) = context().await?;
    super::server::moves(&state.db, &viewer, &user_id, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// Moves a member to another branch (组织关系转接) from the day `moved_on`; the 总支 only. On
/// success the browser goes to the new branch's roster.
#[server(endpoint = "move_member")]
pub async fn move_member(
    user_id: String,
    to_branch: String,
    moved_on: String,
    reason: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let to = super::server::move_member(
        &state.db,
        &viewer,
        &user_id,
        &to_branch,
        &moved_on,
        &reason,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{to}/members"));
    Ok(())
}

#[server(endpoint = "set_member_active")]
pub async fn set_member_active(user_id: String, active: bool) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::set_active(&state.db, &viewer, &user_id, active, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

#[server(endpoint = "roster_import")]
pub async fn load_import(id: String) -> Result<ImportPreview, AppError> {
    let (state, viewer) = context().await?;
    super::server::load_import(&state.db, &viewer, &id)
        .await
        .map_err(AppError::respond)
}

/// Confirms a checked import: all its members are stored, or none.
#[server(endpoint = "commit_roster_import")]
pub async fn commit_import(id: String) -> Result<usize, AppError> {
    let (state, viewer) = context().await?;
    super::server::commit_import(&state.db, &viewer, &id, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// New invite codes for the branch's members who have not set a password yet (or for the
/// one named).
#[server(endpoint = "create_invites")]
pub async fn create_invites(
    branch_id: String,
    user_id: Option<String>,
) -> Result<Vec<Invite>, AppError> {
    let (state, viewer) = context().await?;
    let ids = match user_id.filter(|u| !u.is_empty()) {
        Some(id) => vec![id],
        None => super::server::members(&state.db, &viewer, &branch_id)
            .await
            .map_err(AppError::respond)?
            .members
            .into_iter()
            .filter(|m| m.active && !m.activated)
            .map(|m| m.id)
            .collect(),
    };
    super::server::create_invites(&state.db, &viewer, &branch_id, &ids, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
