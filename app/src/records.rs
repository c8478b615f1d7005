//! The record kinds of the sync protocol, each handed to the feature that stores it: the one
//! place where the protocol (`crate::sync`) meets the features above it.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::AppError;
use crate::sync::protocol::{DeviceRef, PushResponse, PushResult, Record, RecordBody, RejectCode};
use crate::sync::server::{Received, RecordStore, Sender, push_with};
use sqlx::{Any, Transaction};

/// Every feature that takes records from phones.
pub struct Features;

impl RecordStore for Features {
    async fn store<'a>(
        &'a self,
        tx: &'a mut Transaction<'static, Any>,
        record: &'a Record,
        sender: &'a Sender<'a>,
    ) -> Result<PushResult, AppError> {
        let received = |member| Received {
            member,
            device: sender.device.clone(),
            seq: record.seq,
            at: sender.at,
        };
        match (&record.body, sender.member) {
            (RecordBody::SurveyAnswer(body), _) => {
                crate::survey::server::store_pushed(
                    tx,
                    record.id,
                    body,
                    sender.survey_device,
                    sender.at,
                )
                .await
            }
            (_, None) => Ok(PushResult::rejected(
                Some(record.id.to_string()),
                RejectCode::SignInRequired,
                "请先登录：签到和请假需要登录后提交",
            )),
            (RecordBody::Checkin(body), Some(member)) => {
                crate::checkin::server::store_checkin(tx, &received(member), record.id, body).await
            }
            (RecordBody::LeaveRequest(body), Some(member)) => {
                crate::leave::server::store_request(tx, &received(member), record.id, body).await
            }
        }
    }

    async fn after_commit<'a>(&'a self, db: &'a Db, stored: &'a [Record]) {
        let mut campaigns: Vec<String> = Vec::new();
        for record in stored {
            if let RecordBody::SurveyAnswer(body) = &record.body
                && !campaigns.contains(&body.campaign_id)
            {
                campaigns.push(body.campaign_id.clone());
            }
        }
        // The answers are stored; a failure here is logged and the next answer's pass covers it.
        let _ = crate::survey::server::restamp(db, &campaigns).await;
    }
}

/// Stores a pushed batch for `member` in one transaction and answers one result per record,
/// in order. Returns only after the commit, so every `accepted` is durable.
pub async fn push(
    db: &Db,
    member: &CurrentUser,
    device: Option<DeviceRef>,
    records: Vec<serde_json::Value>,
) -> Result<PushResponse, AppError> {
    push_with(db, &Features, Some(member), device, records, None).await
}

/// [`push`] for a signed-in member or for nobody: without a session only survey answers are
/// stored (each let in by its code, or by the open link and `survey_device`, the browser's
/// device cookie); anything else is rejected with `sign_in_required`. Survey answers never
/// move a device's high-water mark, and an anonymous push records no device at all, so no
/// stored device row or time points at an answer.
pub async fn push_as(
    db: &Db,
    member: Option<&CurrentUser>,
    device: Option<DeviceRef>,
    records: Vec<serde_json::Value>,
    survey_device: Option<&str>,
) -> Result<PushResponse, AppError> {
    push_with(db, &Features, member, device, records, survey_device).await
}
