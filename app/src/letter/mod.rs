//! Commitment letters (承诺书, issue 11 point 3): each branch (and the 总支) drafts its letter
//! (`/branch/<id>/letter?year=`), the 总支 approves it (a 总支's own: the bureau's admin), and
//! publishing gives it a public address (`/public/letter/<token>`) — no account, no JavaScript,
//! no wasm — and a printable A4 poster with its QR code (`/public/letter/<token>/poster`). A
//! letter changed after publishing shows its earlier published versions on the public page.

mod api;
#[cfg(feature = "ssr")]
pub mod feedback;
mod page;
#[cfg(feature = "ssr")]
pub mod pledge;
#[cfg(feature = "ssr")]
pub mod public;
#[cfg(feature = "ssr")]
pub mod server;

use crate::auth::CurrentUser;
use crate::domain::letter::LetterState;
use serde::{Deserialize, Serialize};

pub use api::*;
pub use page::{LetterPage, PosterPage, PublicLetterPage};

/// The letter's page for its organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterView {
    pub viewer: CurrentUser,
    pub org_id: String,
    pub org_name: String,
    pub year: i32,
    pub general: bool,
    pub may_edit: bool,
    pub may_decide: bool,
    pub record: Option<LetterRecord>,
    /// The current draft (or the seed's shape before the first save).
    pub title: String,
    pub body: String,
    /// Every step, newest first: "2026-03-01 10:00 · 王书记 · 公开（第 2 版）".
    pub trail: Vec<String>,
    /// The public's feedback on the published letter, with the branch's replies.
    pub feedback: Vec<FeedbackItem>,
    /// The members' own commitments (岗位承诺 / 设岗定责) of a branch.
    pub pledges: Vec<PledgeItem>,
    /// Whether the viewer writes their own commitment here (a member or secretary of it).
    pub may_pledge: bool,
}

/// A member's commitment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeItem {
    pub user_id: String,
    pub name: String,
    /// 有职党员（岗位承诺）, else 无职党员（设岗定责）.
    pub with_post: bool,
    pub post: String,
    pub pledge: String,
    pub approved: bool,
    pub returned: bool,
    pub comment: String,
}

/// One piece of public feedback as the organisation and the 总支 see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackItem {
    pub id: String,
    /// The day it came (nothing finer is kept).
    pub received_on: String,
    pub body: String,
    /// Approved for the public page.
    pub shown: bool,
    pub reply: Option<String>,
    pub reply_shown: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterRecord {
    pub state: LetterState,
    pub version: i64,
    pub published_version: Option<i64>,
    /// The public page's path, once published.
    pub public_path: Option<String>,
    pub comment: String,
}

/// A published letter as the public reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicLetter {
    /// "县第一中学 · 第一党支部".
    pub org_name: String,
    pub year: i32,
    pub title: String,
    pub body: String,
    pub published_at: String,
    /// Earlier published versions, newest first: (published at, title, body).
    pub history: Vec<(String, String, String)>,
    /// The page's full address (for the poster's QR code).
    pub url: String,
    pub path: String,
    /// Approved feedback: (day, text, approved reply).
    pub feedback: Vec<(String, String, Option<String>)>,
    /// The signed stamp the feedback form carries.
    pub stamp: String,
    /// The members' approved commitments: (name, with a post, post, commitment).
    pub pledges: Vec<(String, bool, String, String)>,
}
