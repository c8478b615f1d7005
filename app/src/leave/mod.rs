//! 请假: a member asks for leave from an activity (offline too, through the outbox); the
//! secretary approves or declines. Approved leave shows as 请假 — never as presence.

mod api;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::{DecideLeave, decide_leave};

use crate::domain::attendance::LeaveStatus;
use serde::{Deserialize, Serialize};

/// A leave request as the secretary sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveItem {
    pub id: String,
    pub activity_id: String,
    pub activity_topic: String,
    pub activity_starts_at: i64,
    pub member_name: String,
    pub reason: String,
    pub asked_at: i64,
    pub status: LeaveStatus,
    pub decided_by: Option<String>,
    pub decision_note: String,
}
