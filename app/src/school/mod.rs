//! The school's organisation tree (`/school`, the 总支 only): its 党支部 and 党小组 added,
//! renamed, reordered and archived, and each branch's secretaries appointed. Server functions
//! are thin adapters over `server.rs`; forms post to them directly, so they work without
//! JavaScript too.

mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::auth::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;
pub use page::SchoolPage;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

/// What kind of organisation is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgKind {
    Branch,
    Group,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Branch => "branch",
            OrgKind::Group => "group",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Branch => "党支部",
            OrgKind::Group => "党小组",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub secretary: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupNode {
    pub id: String,
    pub name: String,
    pub archived: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeNode {
    pub id: String,
    pub name: String,
    pub archived: bool,
    /// Its active members, by name.
    pub people: Vec<Person>,
    pub groups: Vec<GroupNode>,
}

/// The school as its 总支 sets it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolTree {
    pub viewer: CurrentUser,
    pub branches: Vec<TreeNode>,
}

#[server(endpoint = "school_tree")]
pub async fn load_school_tree() -> Result<SchoolTree, AppError> {
    let (state, viewer) = context().await?;
    server::tree(&state.db, &viewer)
        .await
        .map_err(AppError::respond)
}

/// Adds a 党支部 (`parent_id` empty) or a 党小组 of the branch `parent_id`.
#[server(endpoint = "school_add")]
pub async fn add_org(group: bool, parent_id: String, name: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let kind = if group {
        OrgKind::Group
    } else {
        OrgKind::Branch
    };
    server::add(
        &state.db,
        &viewer,
        kind,
        &parent_id,
        &name,
        crate::db::now_ms(),
    )
    .await
    .map(|_| ())
    .map_err(AppError::respond)
}

#[server(endpoint = "school_rename")]
pub async fn rename_org(id: String, name: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    server::rename(&state.db, &viewer, &id, &name, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

#[server(endpoint = "school_move")]
pub async fn move_org(id: String, up: bool) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    server::move_one(&state.db, &viewer, &id, up)
        .await
        .map_err(AppError::respond)
}

#[server(endpoint = "school_archive")]
pub async fn archive_org(id: String, archived: bool) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    server::archive(&state.db, &viewer, &id, archived, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// Appoints a branch member as its secretary, or makes a secretary a member again.
#[server(endpoint = "school_secretary")]
pub async fn set_secretary(user_id: String, secretary: bool) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    server::set_secretary(&state.db, &viewer, &user_id, secretary, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
