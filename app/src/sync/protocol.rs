//! `POST /api/v1/sync/push`: a batch of records in, one result per record out, in order.
//!
//! A record is a fact with its own client-made UUIDv7. The server stores each id once: the same
//! id with the same content again is `duplicate` (a success: the phone may forget it); the same
//! id with other content is `rejected` with code `conflict` and never overwrites. The response
//! is sent only after the batch's transaction has committed.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const PUSH_PATH: &str = "/api/v1/sync/push";

/// One record as the phone sends it: `{"id": "…", "kind": "checkin", "body": {…}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: Uuid,
    #[serde(flatten)]
    pub body: RecordBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body", rename_all = "snake_case")]
pub enum RecordBody {
    /// "I was there": a member's check-in to an activity.
    Checkin(CheckinBody),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinBody {
    pub activity_id: Uuid,
    pub member_id: Uuid,
    /// The phone's clock when the member pressed 签到, in ms since the epoch.
    pub device_time: i64,
}

/// The request as the server reads it: each record is parsed on its own, so one malformed
/// record is rejected with its reason while the rest of the batch is stored.
#[derive(Debug, Deserialize)]
pub struct PushRequest {
    pub records: Vec<serde_json::Value>,
}

/// The request as the phone writes it.
#[derive(Debug, Serialize)]
pub struct PushBatch<'a> {
    pub records: &'a [Record],
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Stored now.
    Accepted,
    /// Stored before with the same content: also a success.
    Duplicate,
    /// Not stored; `code` and `reason` say why. The phone keeps the record and shows the reason.
    Rejected,
}

impl PushStatus {
    /// Whether the server holds the record, so the phone may drop it from its outbox.
    pub fn is_stored(self) -> bool {
        matches!(self, Self::Accepted | Self::Duplicate)
    }
}

/// Why a record was rejected, for programs; `reason` says it for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The record could not be read (bad JSON shape, wrong types, unknown kind).
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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
        json!({"id": id, "kind": "checkin", "body": {
            "activity_id": V4, "member_id": V4, "device_time": 1_795_759_200_000_i64}})
    }

    #[test]
    fn a_checkin_round_trips() {
        let r = Record::parse(checkin(V7)).unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap(), checkin(V7));
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
    fn unknown_kinds_and_fields_are_malformed() {
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
        assert!(!PushStatus::Rejected.is_stored());
    }
}
