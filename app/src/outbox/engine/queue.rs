//! The member's records kept on the phone: each numbered and saved in one IndexedDB
//! transaction, then sent; a refused one dismissed.

use super::send::sync;
use super::{idb, new_v7, now_ms, reload};
use crate::domain::proof::Proof;
use crate::outbox::{KIND_CHECKIN, KIND_LEAVE, KIND_SURVEY, Outbox, OutboxEntry};
use crate::sync::protocol::{CheckinBody, LeaveRequestBody, Record, RecordBody, SurveyAnswerBody};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// Numbers and saves a record (one IndexedDB transaction), then tries to send it.
fn save(
    outbox: Outbox,
    kind: &'static str,
    activity_id: String,
    member_id: String,
    label: String,
    body: RecordBody,
) {
    save_as(outbox, new_v7(), kind, activity_id, member_id, label, body);
}

/// [`save`] with the record's id given. Survey answers go unnumbered: they are anonymous and
/// must not count towards the device's high-water mark.
fn save_as(
    outbox: Outbox,
    id: Uuid,
    kind: &'static str,
    activity_id: String,
    member_id: String,
    label: String,
    body: RecordBody,
) {
    spawn_local(async move {
        if store(outbox, id, kind, activity_id, member_id, label, body).await {
            sync(outbox).await;
        }
    });
}

/// Numbers and saves a record in one IndexedDB transaction; whether it was saved (if not, the
/// page says why).
async fn store(
    outbox: Outbox,
    id: Uuid,
    kind: &'static str,
    activity_id: String,
    member_id: String,
    label: String,
    body: RecordBody,
) -> bool {
    {
        let numbered = !matches!(body, RecordBody::SurveyAnswer(_));
        let saved = idb::add(|device| {
            let mut body = body;
            // A check-in carries the newest sync receipt: with it, one that reaches the
            // server late still shows the phone was offline since before it was made.
            if let RecordBody::Checkin(c) = &mut body {
                c.synced = device.receipt.clone();
            }
            let record = Record {
                id,
                seq: numbered.then_some(device.next_seq),
                body,
            };
            OutboxEntry {
                id: id.to_string(),
                record: serde_json::to_string(&record).expect("a record serialises"),
                kind: kind.to_owned(),
                activity_id,
                member_id,
                seq: device.next_seq,
                label,
                created_at: now_ms(),
                rejected: None,
            }
        })
        .await;
        match saved {
            Ok(entry) => {
                outbox.entries.update(|v| v.push(entry));
                true
            }
            Err(e) => {
                outbox
                    .problem
                    .set(Some(format!("没能保存在手机上：{}。请重试。", e.0)));
                false
            }
        }
    }
}

fn ids(activity_id: &str, member_id: &str) -> Option<(Uuid, Uuid)> {
    Some((
        Uuid::parse_str(activity_id).ok()?,
        Uuid::parse_str(member_id).ok()?,
    ))
}

pub fn check_in(
    outbox: Outbox,
    activity_id: String,
    member_id: String,
    label: String,
    proof: Proof,
) {
    if let Some(body) = checkin_body(outbox, &activity_id, &member_id, proof, now_ms()) {
        save(outbox, KIND_CHECKIN, activity_id, member_id, label, body);
    }
}

/// A check-in tapped at `device_time` (before the page was ready), saved now; whether it was
/// saved or refused for good (a bad id), so the tap may be forgotten.
pub async fn check_in_at(
    outbox: Outbox,
    activity_id: String,
    member_id: String,
    label: String,
    proof: Proof,
    device_time: i64,
) -> bool {
    match checkin_body(outbox, &activity_id, &member_id, proof, device_time) {
        Some(body) => {
            store(
                outbox,
                new_v7(),
                KIND_CHECKIN,
                activity_id,
                member_id,
                label,
                body,
            )
            .await
        }
        None => true,
    }
}

fn checkin_body(
    outbox: Outbox,
    activity_id: &str,
    member_id: &str,
    proof: Proof,
    device_time: i64,
) -> Option<RecordBody> {
    let Some((activity, member)) = ids(activity_id, member_id) else {
        outbox
            .problem
            .set(Some("活动或党员编号无效，无法签到。".into()));
        return None;
    };
    Some(RecordBody::Checkin(CheckinBody {
        activity_id: activity,
        member_id: member,
        device_time,
        proof,
        synced: None,
    }))
}

pub fn ask_leave(
    outbox: Outbox,
    activity_id: String,
    member_id: String,
    label: String,
    reason: String,
) {
    let Some((activity, member)) = ids(&activity_id, &member_id) else {
        outbox
            .problem
            .set(Some("活动或党员编号无效，无法请假。".into()));
        return;
    };
    let body = RecordBody::LeaveRequest(LeaveRequestBody {
        activity_id: activity,
        member_id: member,
        reason,
        device_time: now_ms(),
    });
    save(outbox, KIND_LEAVE, activity_id, member_id, label, body);
}

pub fn answer_survey(outbox: Outbox, record_id: String, label: String, body: SurveyAnswerBody) {
    let Ok(id) = Uuid::parse_str(&record_id) else {
        outbox
            .problem
            .set(Some("表单已失效，请刷新页面后重新作答。".into()));
        return;
    };
    let body = RecordBody::SurveyAnswer(body);
    // Anonymous: no member on the entry, so it is sent whoever is (or isn't) signed in.
    save_as(
        outbox,
        id,
        KIND_SURVEY,
        String::new(),
        String::new(),
        label,
        body,
    );
}

pub fn dismiss(outbox: Outbox, id: String) {
    spawn_local(async move {
        match idb::dismiss(&id).await {
            Ok(()) => reload(outbox).await,
            Err(e) => outbox.problem.set(Some(format!("操作失败：{}", e.0))),
        }
    });
}
