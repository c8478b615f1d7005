//! What the server answers a push ([`super::protocol`]): one result per record, in order, and
//! what it knows of the pushing device.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<PushResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceState>,
}

/// What the server knows of the pushing device after this batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviceState {
    pub id: Uuid,
    /// The highest record number received from this device.
    pub high_water: i64,
    /// This batch held a new record numbered at or below the previous mark: the device's
    /// store was wiped and started numbering again.
    pub reset_detected: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Stored now.
    Accepted,
    /// Stored before with the same content: also a success.
    Duplicate,
    /// Stored, but held until the branch's secretary confirms it (a late check-in the phone
    /// could not show was made offline); `reason` says why. The phone drops it from its
    /// outbox, like `accepted`, and shows 待确认.
    PendingReview,
    /// Stored before with *other* content; the stored one stays. Keep and show.
    Conflict,
    /// Not stored; `code` and `reason` say why. Keep and show.
    Rejected,
}

impl PushStatus {
    /// Whether the server holds the record, so the phone may drop it from its outbox.
    pub fn is_stored(self) -> bool {
        matches!(self, Self::Accepted | Self::Duplicate | Self::PendingReview)
    }
}

/// Why a record was not stored, for programs; `reason` says it for people, in Chinese.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The record could not be read (bad JSON shape, wrong types, unknown kind or field).
    Malformed,
    /// The id is not a UUIDv7.
    BadId,
    /// This id is stored already with other content.
    Conflict,
    /// The activity does not exist.
    UnknownActivity,
    /// The activity was cancelled.
    Cancelled,
    /// The member is not among the activity's 应到.
    NotExpected,
    /// The record speaks for someone other than the signed-in member.
    NotYours,
    /// The proof code is not this activity's.
    ProofWrong,
    /// The proof code is from outside the activity's time.
    ProofOutsideWindow,
    /// The proof code is this activity's but far from the phone's time (replayed, forwarded).
    ProofExpired,
    /// Too many wrong codes from this member for this activity: no more code check-ins there.
    TooManyWrongCodes,
    /// A leave request without a usable reason.
    BadReason,
    /// Leave asked for an activity that is over.
    ActivityOver,
    /// A check-in or leave request without a session (survey answers need none).
    SignInRequired,
    /// The survey is unknown, closed or not yet open.
    SurveyUnavailable,
    /// The survey's questions changed since the form was shown.
    WrongVersion,
    /// The one-time code is unknown.
    CodeUnknown,
    /// The one-time code was used already.
    CodeUsed,
    /// This device already answered through the open link (or sent no device cookie).
    DeviceUsed,
    /// The answers don't fit the survey (missing, out of range, comment too long).
    BadAnswer,
    /// The phone's clock runs ahead of the server's by more than the tolerance.
    ClockAhead,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushResult {
    /// The record's id, or `None` when the record was too malformed to have one.
    pub id: Option<String>,
    pub status: PushStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<RejectCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl PushResult {
    pub fn stored(id: Uuid, status: PushStatus) -> Self {
        Self {
            id: Some(id.to_string()),
            status,
            code: None,
            reason: None,
        }
    }

    pub fn rejected(id: Option<String>, code: RejectCode, reason: impl Into<String>) -> Self {
        Self {
            id,
            status: PushStatus::Rejected,
            code: Some(code),
            reason: Some(reason.into()),
        }
    }

    /// Stored but held for the secretary, with the reason shown on the phone.
    pub fn held(id: Uuid, reason: &str) -> Self {
        Self {
            id: Some(id.to_string()),
            status: PushStatus::PendingReview,
            code: None,
            reason: Some(reason.to_owned()),
        }
    }

    pub fn conflict(id: Uuid) -> Self {
        Self {
            id: Some(id.to_string()),
            status: PushStatus::Conflict,
            code: Some(RejectCode::Conflict),
            reason: Some("此编号的记录已存在且内容不同，服务器保留先到的记录，未覆盖".into()),
        }
    }
}
