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
use crate::domain::import::CheckedRow;
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
    /// `secretary`, `deputy` or `member` (`CommitteeRole`): their seat on the committee.
    pub committee_role: Option<String>,
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    /// On the school's staff (教职工).
    pub staff: bool,
    /// 转正日期
    pub full_date: Option<String>,
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
    /// The seat on the committee: 书记, 副书记, 委员, or empty for none.
    #[serde(default)]
    pub committee: Option<String>,
    pub group_id: String,
    /// 转正日期 (empty: not given).
    #[serde(default)]
    pub full_date: String,
    /// 是 / 否: on the school's staff (empty: 是).
    #[serde(default)]
    pub staff: String,
}

impl MemberView {
    /// The seat on the committee, for the pages.
    pub fn committee(&self) -> Option<crate::domain::roster::CommitteeRole> {
        self.committee_role
            .as_deref()
            .and_then(crate::domain::roster::CommitteeRole::parse)
    }
}

/// One move of a member to another branch (组织关系转接).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveView {
    /// The day it takes effect, `YYYY-MM-DD`.
    pub moved_on: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub by: String,
    pub at: i64,
}

/// A member's moves and, for the 总支, where they may move to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberMoves {
    pub may_move: bool,
    /// (branch id, label): the school's other branches, then the bureau's other schools'.
    pub targets: Vec<(String, String)>,
    pub history: Vec<MoveView>,
    /// Today at the school, `YYYY-MM-DD`: the form's default day.
    pub today: String,
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
