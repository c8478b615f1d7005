//! What a pull brings a phone ([`super::protocol`]): the member's activities and, for
//! organisers, their branches' rosters, changed since a cursor.

use crate::domain::activity::ActivityKind;
use crate::domain::attendance::LeaveStatus;
use serde::{Deserialize, Serialize};

/// An activity as pulled by a member's phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PulledActivity {
    pub id: String,
    pub branch_id: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub kind: ActivityKind,
    pub topic: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    /// `scheduled` or `cancelled`.
    pub status: String,
    /// Whether the pulling member is among the 应到.
    pub expected: bool,
    /// The server holds a check-in of this member that counts (not held, not refused).
    pub checked_in: bool,
    /// A check-in of this member held for the secretary, or refused by them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkin_review: Option<CheckinReview>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub leave: Option<LeaveStatus>,
    pub version: i64,
}

/// Where a held check-in stands: waiting for the secretary (待确认), or refused by them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckinReview {
    Pending,
    Refused,
}

impl CheckinReview {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "refused" => Some(Self::Refused),
            _ => None,
        }
    }
}

/// A member of the organiser's branch, as pulled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RosterEntry {
    pub id: String,
    pub display_name: String,
    pub committee: bool,
    pub group_id: Option<String>,
    pub active: bool,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// Pass this as `cursor` next time to get only what changed since.
    pub cursor: i64,
    pub activities: Vec<PulledActivity>,
    /// Present for secretaries and admins: the members of the branches they run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster: Option<Vec<RosterEntry>>,
    /// The sync receipt: the server's time now, signed for this member. The phone keeps the
    /// newest and puts it on each check-in it makes (`CheckinBody::synced`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}
