//! The branch's roster (党员名册): members listed, added, edited and deactivated by hand;
//! imported from CSV or XLSX after a preview that names every bad row (and imports nothing
//! while any row is bad); and one-time invite codes with which a member sets a first password.

mod api;
mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::*;
pub use page::{ImportPreviewPage, InvitePage, MemberFormPage, MembersPage};

use crate::auth::CurrentUser;
use crate::domain::roster::CheckedRow;
use serde::{Deserialize, Serialize};

/// One member in the roster list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: String,
    pub name: String,
    pub username: String,
    pub phone: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub join_date: Option<String>,
    pub standing: String,
    pub post: Option<String>,
    pub committee: bool,
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    pub role: String,
    pub active: bool,
    /// Whether they have set a password (else they need an invite code).
    pub activated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub viewer: CurrentUser,
    pub branch_id: String,
    pub branch_name: String,
    pub groups: Vec<(String, String)>,
    pub members: Vec<MemberView>,
}

/// The add / edit form, as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberForm {
    pub name: String,
    pub username: String,
    pub phone: String,
    pub gender: String,
    pub birth_date: String,
    pub join_date: String,
    pub standing: String,
    pub post: String,
    #[serde(default)]
    pub committee: Option<String>,
    pub group_id: String,
}

/// An import waiting for confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub viewer: CurrentUser,
    pub id: String,
    pub branch_id: String,
    pub branch_name: String,
    pub file_name: String,
    pub rows: Vec<CheckedRow>,
    /// Every row is good: it may be imported.
    pub ok: bool,
    pub committed: bool,
}

/// A fresh invite code, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub name: String,
    pub username: String,
    pub code: String,
    pub expires_at: i64,
}
