//! Activities (组织生活) and their records: scheduling with a fixed 应到, editing until it
//! starts, cancelling, minutes, photos, the roll of 实到 / 请假 / 缺席 with names, attendance set
//! by hand with an audit trail, and the organiser's rotating check-in code.

mod api;
mod form;
mod page;
mod qr;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::*;
pub use form::{ActivityForm, Audience, Validated, validate};
pub use page::{ActivityEditPage, ActivityNewPage, ActivityRecordPage};
pub use qr::ActivityQrPage;
pub(crate) use qr::{qr_svg, qr_svg_sized};

use crate::auth::CurrentUser;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::{AttendanceState, LeaveStatus, Mark, RollCounts};
use crate::domain::participation::Figure;
use serde::{Deserialize, Serialize};

/// One expected member at an activity, with their state and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollEntry {
    pub user_id: String,
    pub name: String,
    pub state: AttendanceState,
    /// How they checked in ("qr", "code", "app"), if they did.
    pub checkin_method: Option<String>,
    /// A check-in held for the secretary (待确认) or refused by them; it does not count.
    pub checkin_review: Option<crate::sync::protocol::CheckinReview>,
    pub leave: Option<LeaveStatus>,
    pub leave_reason: Option<String>,
    /// The state was set by hand.
    pub marked: bool,
    /// A check-in arrived after a hand mark of 缺席 or 请假 (`domain::attendance::conflict`):
    /// the secretary decides by marking again.
    pub conflict: bool,
}

/// A change made to an activity after it started (cancelled, or its kind changed), with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEntry {
    /// "取消活动" or "修改活动类型".
    pub what: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    pub by_name: String,
    pub at: i64,
}

/// One line of the audit trail of attendance set by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkEntry {
    pub member_name: String,
    pub mark: Mark,
    pub before: AttendanceState,
    pub after: AttendanceState,
    pub note: String,
    pub by_name: String,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoView {
    pub id: String,
    pub caption: String,
    pub uploaded_at: i64,
}

/// Everything the record page (活动记录) shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRecord {
    pub viewer: CurrentUser,
    pub id: String,
    pub branch_id: String,
    pub branch_name: String,
    pub kind: ActivityKind,
    pub topic: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub chair: String,
    pub recorder: String,
    pub audience: String,
    pub audience_label: String,
    pub cancelled: bool,
    pub cancel_reason: String,
    pub minutes: String,
    pub minutes_at: Option<i64>,
    /// Whether it has started (a record can be kept, the roll taken).
    pub held: bool,
    /// Whether it counts as held in the figures (`domain::cadence::roll_taken`).
    pub roll_taken: bool,
    /// When the organiser closed the roll, if they did.
    pub roll_closed_at: Option<i64>,
    /// When it was entered into xingqi; after its start means it was entered afterwards (补录).
    pub entered_at: i64,
    pub counts: RollCounts,
    pub figure: Figure,
    pub roll: Vec<RollEntry>,
    pub marks: Vec<MarkEntry>,
    pub photos: Vec<PhotoView>,
    /// Changes after it started (its trail), oldest first.
    pub changes: Vec<ChangeEntry>,
    /// Its year, if the 总支 has closed it (年度封存): the record takes no more changes.
    #[serde(default)]
    pub closed_year: Option<i32>,
}

/// What the organiser's screen needs to show the rotating code, offline too once loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofScreen {
    pub activity_id: String,
    pub topic: String,
    pub branch_name: String,
    pub starts_at: i64,
    pub ends_at: i64,
    /// Hex of the activity's secret. Only organisers of the branch receive it.
    pub secret: String,
    pub server_now: i64,
}

/// The form's choices and current values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormContext {
    pub viewer: CurrentUser,
    pub branch_id: String,
    pub branch_name: String,
    pub groups: Vec<(String, String)>,
    /// The values to start from: the activity's when editing, sensible defaults when new.
    pub values: ActivityForm,
    /// When editing an activity that has started, its time and 应到 are fixed.
    pub started: bool,
}
