//! Check-in (签到): the member's "我的活动" page, and the server's storage of check-in facts.

mod api;
#[cfg(feature = "ssr")]
mod insert;
mod page;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use api::load_my_activities;
pub use page::MyActivitiesPage;

use crate::auth::CurrentUser;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::LeaveStatus;
use serde::{Deserialize, Serialize};

/// An activity as a member sees it on their phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberActivity {
    pub id: String,
    pub kind: ActivityKind,
    pub topic: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    /// The server holds a check-in of this member for it that counts.
    pub checked_in: bool,
    /// A check-in of this member held for the secretary (待确认), or refused by them.
    pub checkin_review: Option<crate::sync::protocol::CheckinReview>,
    /// The member's leave request for it, if any (the most favourable when several).
    pub leave: Option<LeaveStatus>,
    /// What the record says where a hand mark differs from the member's check-in
    /// (`domain::attendance::member_note`).
    #[serde(default)]
    pub record_note: Option<String>,
}

/// Everything "我的活动" shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyActivities {
    pub member: CurrentUser,
    /// Activities of today (China time), earliest first.
    pub today: Vec<MemberActivity>,
    /// The next activities after today, earliest first.
    pub upcoming: Vec<MemberActivity>,
}
