//! The education bureau above the schools (`/bureau`, 教育局): its schools with their first
//! admins and its read-only viewers. The bureau's admin adds schools (each with a first admin,
//! who gets an invite code) and viewers; both roles read every school's figures
//! (`/branch`, read-only) and change nothing in a school. Server functions are thin adapters
//! over `server.rs`; the forms post to them directly, so they work without JavaScript too.

mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::roster::Invite;
use leptos::prelude::*;
pub use page::BureauPage;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

/// An account the bureau made: a school's admin or a viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub username: String,
    /// Whether they have set a password (else they need their invite code).
    pub activated: bool,
}

/// One school of the bureau.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolItem {
    pub id: String,
    pub name: String,
    /// Its 总支 (the organisation its branches belong to).
    pub committee_name: String,
    pub branches: i64,
    /// Active members of its branches.
    pub members: i64,
    pub admins: Vec<Account>,
}

/// The bureau as its people see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauView {
    pub viewer: CurrentUser,
    pub name: String,
    /// Whether the viewer may add schools and viewers (the bureau's admin).
    pub may_add: bool,
    pub schools: Vec<SchoolItem>,
    pub viewers: Vec<Account>,
}

#[server(endpoint = "bureau")]
pub async fn load_bureau() -> Result<BureauView, AppError> {
    let (state, viewer) = context().await?;
    server::overview(&state.db, &viewer)
        .await
        .map_err(AppError::respond)
}

/// Adds a school to the bureau with its first admin; the admin's invite code comes back once.
#[server(endpoint = "bureau_add_school")]
pub async fn add_school(
    school_name: String,
    committee_name: String,
    admin_name: String,
    admin_username: String,
) -> Result<Invite, AppError> {
    let (state, viewer) = context().await?;
    let new = server::NewSchool {
        school_name: &school_name,
        committee_name: &committee_name,
        admin_name: &admin_name,
        admin_username: &admin_username,
    };
    server::add_school(&state.db, &viewer, &new, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// Adds a read-only viewer to the bureau; their invite code comes back once.
#[server(endpoint = "bureau_add_viewer")]
pub async fn add_viewer(name: String, username: String) -> Result<Invite, AppError> {
    let (state, viewer) = context().await?;
    server::add_viewer(&state.db, &viewer, &name, &username, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
