//! Sync protocol v1, between a phone's outbox and the server. Described for other clients by
//! the OpenAPI document the server serves at [`OPENAPI_PATH`].
//!
//! **Push** (`POST /api/v1/sync/push`): at most [`MAX_RECORDS`] records or [`MAX_BODY_BYTES`]
//! in, one result per record out, in order. A record is a fact with its own client-made UUIDv7.
//! The server stores each id once: the same id with the same content again is `duplicate` (a
//! success); the same id with other content is `conflict` and never overwrites; a record that
//! breaks a rule is `rejected` with a code and a reason. The response is sent only after the
//! batch's transaction has committed, so the phone may forget a record on `accepted` or
//! `duplicate`, and must keep it (showing why) on `conflict` or `rejected`.
//!
//! **Device and high-water mark**: each phone has a device id and numbers its records 1, 2, 3…
//! (`seq`). The server keeps the highest number it has received per device. A *new* record
//! numbered at or below that mark means the phone's store was wiped and its numbering started
//! again: the response says so (`reset_detected`) and the phone tells its user.
//!
//! **Pull** (`GET /api/v1/sync/pull?cursor=N`): reference data changed since the cursor — the
//! member's activities, and for organisers their branch's roster — and the next cursor.
//!
//! Here: the records a phone pushes and the push request. What the server answers a push is in
//! [`super::results`], what a pull brings in [`super::pulled`]; both are re-exported here, so
//! the whole protocol is named from this module.

use crate::domain::proof::Proof;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::pulled::{CheckinReview, PullResponse, PulledActivity, RosterEntry};
pub use super::results::{DeviceState, PushResponse, PushResult, PushStatus, RejectCode};

pub const PUSH_PATH: &str = "/api/v1/sync/push";
pub const PULL_PATH: &str = "/api/v1/sync/pull";
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
/// The most records one push may carry.
pub const MAX_RECORDS: usize = 100;
/// The largest body one push may carry; larger gets 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The longest reason for leave, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// One record as the phone sends it: `{"id": "…", "seq": 7, "kind": "checkin", "body": {…}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Record {
    /// A UUIDv7 made by the phone when the record was made.
    pub id: Uuid,
    /// The phone's number for this record (1, 2, 3… per device), for the high-water mark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    #[serde(flatten)]
    pub body: RecordBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "body", rename_all = "snake_case")]
pub enum RecordBody {
    /// "I was there": a member's check-in, with proof of presence.
    Checkin(CheckinBody),
    /// "I can't come": a member asks for leave (请假).
    LeaveRequest(LeaveRequestBody),
    /// An anonymous answer to a satisfaction survey (满意度测评). Needs no sign-in: the
    /// one-time code, or the open link with the mark its form was given, lets it in. Stored in a
    /// transaction of its own, apart from the rest of the batch and from any session.
    SurveyAnswer(SurveyAnswerBody),
}

impl RecordBody {
    /// Whether the record's number moves its device's high-water mark. Survey answers never
    /// do: a device row moved by an answer would date it.
    pub fn moves_high_water(&self) -> bool {
        !matches!(self, Self::SurveyAnswer(_))
    }
}

/// The `kind` of a survey answer, for a server deciding whether a batch needs a session.
pub const KIND_SURVEY_ANSWER: &str = "survey_answer";

/// Whether a pushed record, as sent (not yet read), says it is a survey answer: those are kept
/// apart from everything about a person before anything else is read.
pub fn is_survey_answer(raw: &serde_json::Value) -> bool {
    raw.get("kind").and_then(|k| k.as_str()) == Some(KIND_SURVEY_ANSWER)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswerBody {
    pub campaign_id: String,
    /// The definition version the form was shown under.
    pub version: i64,
    /// The one-time code of a slip or personal link…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// …or the open link's token, with the server-signed mark the form was given (one answer
    /// per mark and campaign).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<String>,
    /// `members`, `staff`, `parents` or `others`; a code's own audience wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub audience: Option<crate::domain::ballot::Audience>,
    /// Question key → the index of the chosen option.
    pub choices: std::collections::BTreeMap<String, u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckinBody {
    pub activity_id: Uuid,
    pub member_id: Uuid,
    /// The phone's clock when the member checked in, in ms since the epoch.
    pub device_time: i64,
    /// The code from the organiser's screen: scanned (with its step) or typed.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub proof: Proof,
    /// The newest sync receipt (`PullResponse::receipt`) the phone held when the member
    /// checked in: a late check-in without one from before its moment is held for the
    /// secretary (`pending_review`; see `domain::replay`). Not part of the stored content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeaveRequestBody {
    pub activity_id: Uuid,
    pub member_id: Uuid,
    /// Why the member can't come; 1 to 500 characters.
    pub reason: String,
    pub device_time: i64,
}

/// The phone that pushes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeviceRef {
    pub id: Uuid,
}

/// The request as the server reads it: each record is parsed on its own, so one malformed
/// record is rejected with its reason while the rest of the batch is stored.
#[derive(Debug, Deserialize)]
pub struct PushRequest {
    #[serde(default)]
    pub device: Option<DeviceRef>,
    pub records: Vec<serde_json::Value>,
}

/// The request as a client writes it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushBatch {
    pub device: Option<DeviceRef>,
    pub records: Vec<Record>,
}

impl Record {
    /// Reads one record of a batch, or says why it can't be stored.
    pub fn parse(raw: serde_json::Value) -> Result<Self, PushResult> {
        let id = raw.get("id").and_then(|v| v.as_str()).map(str::to_owned);
        let record: Record = serde_json::from_value(raw).map_err(|e| {
            PushResult::rejected(
                id.clone(),
                RejectCode::Malformed,
                format!("记录格式不正确：{e}"),
            )
        })?;
        if record.id.get_version_num() != 7 {
            return Err(PushResult::rejected(
                id,
                RejectCode::BadId,
                "记录编号必须是 UUIDv7",
            ));
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const V7: &str = "019ac5e1-6c00-7abc-8def-0123456789ab";
    const V4: &str = "6f1c1b7e-2c5a-4f0e-9d1a-3b2c1d0e9f8a";

    fn checkin(id: &str) -> serde_json::Value {
        json!({"id": id, "seq": 3, "kind": "checkin", "body": {
            "activity_id": V4, "member_id": V4, "device_time": 1_795_759_200_000_i64,
            "proof": {"method": "qr", "step": 59_858_640, "code": "123456"}}})
    }

    #[test]
    fn a_checkin_round_trips() {
        let r = Record::parse(checkin(V7)).unwrap();
        assert_eq!(r.seq, Some(3));
        assert_eq!(serde_json::to_value(&r).unwrap(), checkin(V7));
    }

    #[test]
    fn a_leave_request_round_trips() {
        let raw = json!({"id": V7, "kind": "leave_request", "body": {
            "activity_id": V4, "member_id": V4, "reason": "外出培训", "device_time": 1}});
        let r = Record::parse(raw.clone()).unwrap();
        assert!(matches!(r.body, RecordBody::LeaveRequest(_)));
        assert_eq!(serde_json::to_value(&r).unwrap(), raw);
    }

    #[test]
    fn wrong_types_are_malformed_and_keep_their_id() {
        let mut raw = checkin(V7);
        raw["body"]["device_time"] = json!("yesterday");
        let err = Record::parse(raw).unwrap_err();
        assert_eq!(err.code, Some(RejectCode::Malformed));
        assert_eq!(err.id.as_deref(), Some(V7));
    }

    #[test]
    fn unknown_kinds_fields_and_proofs_are_malformed() {
        let raw = json!({"id": V7, "kind": "vote", "body": {}});
        assert_eq!(
            Record::parse(raw).unwrap_err().code,
            Some(RejectCode::Malformed)
        );
        let mut raw = checkin(V7);
        raw["body"]["extra"] = json!(1);
        assert_eq!(
            Record::parse(raw).unwrap_err().code,
            Some(RejectCode::Malformed)
        );
        let mut raw = checkin(V7);
        raw["body"]["proof"] = json!({"method": "trust_me"});
        assert_eq!(
            Record::parse(raw).unwrap_err().code,
            Some(RejectCode::Malformed)
        );
        let mut raw = checkin(V7);
        raw["body"].as_object_mut().unwrap().remove("proof");
        assert_eq!(
            Record::parse(raw).unwrap_err().code,
            Some(RejectCode::Malformed)
        );
    }

    #[test]
    fn only_uuid_v7_ids_are_taken() {
        assert_eq!(
            Record::parse(checkin(V4)).unwrap_err().code,
            Some(RejectCode::BadId)
        );
    }

    #[test]
    fn only_accepted_and_duplicate_let_the_phone_forget() {
        assert!(PushStatus::Accepted.is_stored());
        assert!(PushStatus::Duplicate.is_stored());
        assert!(!PushStatus::Conflict.is_stored());
        assert!(!PushStatus::Rejected.is_stored());
    }
}
