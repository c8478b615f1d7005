//! The server's side of sync: one transaction per pushed batch, the device's high-water mark,
//! and the pull of reference data.

use super::protocol::{
    DeviceRef, DeviceState, PullResponse, PulledActivity, PushResponse, PushResult, PushStatus,
    Record, RecordBody, RejectCode, RosterEntry,
};
use crate::auth::CurrentUser;
use crate::db::{Db, now_ms};
use crate::domain::activity::ActivityKind;
use crate::error::AppError;
use sqlx::{Any, Row, Transaction};

/// Stores a pushed batch for `member` in one transaction and answers one result per record,
/// in order. Returns only after the commit, so every `accepted` is durable.
pub async fn push(
    db: &Db,
    member: &CurrentUser,
    device: Option<DeviceRef>,
    records: Vec<serde_json::Value>,
) -> Result<PushResponse, AppError> {
    push_as(db, Some(member), device, records, None).await
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
    let received_at = now_ms();
    let mut tx = db.begin_write().await?;
    let mut results = Vec::with_capacity(records.len());
    let mut accepted_seqs = Vec::new();
    let mut surveys_answered: Vec<String> = Vec::new();
    let mut max_seq = 0;
    for raw in records {
        let result = match Record::parse(raw) {
            Err(rejected) => rejected,
            Ok(record) => {
                let survey = matches!(record.body, RecordBody::SurveyAnswer(_));
                let seq = if survey { 0 } else { record.seq.unwrap_or(0) };
                max_seq = max_seq.max(seq);
                let result = match (&record.body, member) {
                    (RecordBody::SurveyAnswer(body), _) => {
                        let result = crate::survey::server::store_pushed(
                            &mut tx,
                            record.id,
                            body,
                            survey_device,
                            received_at,
                        )
                        .await?;
                        if result.status == PushStatus::Accepted
                            && !surveys_answered.contains(&body.campaign_id)
                        {
                            surveys_answered.push(body.campaign_id.clone());
                        }
                        result
                    }
                    (_, None) => PushResult::rejected(
                        Some(record.id.to_string()),
                        RejectCode::SignInRequired,
                        "请先登录：签到和请假需要登录后提交",
                    ),
                    (RecordBody::Checkin(body), Some(member)) => {
                        let ctx = Received {
                            member,
                            device: device.as_ref().map(|d| d.id.to_string()),
                            seq: record.seq,
                            at: received_at,
                        };
                        crate::checkin::server::store_checkin(&mut tx, &ctx, record.id, body)
                            .await?
                    }
                    (RecordBody::LeaveRequest(body), Some(member)) => {
                        let ctx = Received {
                            member,
                            device: device.as_ref().map(|d| d.id.to_string()),
                            seq: record.seq,
                            at: received_at,
                        };
                        crate::leave::server::store_request(&mut tx, &ctx, record.id, body).await?
                    }
                };
                if result.status == PushStatus::Accepted && seq > 0 {
                    accepted_seqs.push(seq);
                }
                result
            }
        };
        results.push(result);
    }
    let device = match (device, member) {
        (Some(d), Some(member)) => {
            Some(record_device(&mut tx, member, d, max_seq, &accepted_seqs, received_at).await?)
        }
        _ => None,
    };
    tx.commit().await?;
    // The answers are stored; a failure here is logged and the next answer's pass covers it.
    let _ = crate::survey::server::restamp(db, &surveys_answered).await;
    if device.as_ref().is_some_and(|d| d.reset_detected) {
        tracing::warn!("a device's store was wiped: its numbering restarted");
    }
    Ok(PushResponse { results, device })
}

/// What every stored record carries besides its content.
pub struct Received<'a> {
    pub member: &'a CurrentUser,
    pub device: Option<String>,
    pub seq: Option<i64>,
    pub at: i64,
}

/// Moves the device's high-water mark, and notices a numbering that started again.
async fn record_device(
    tx: &mut Transaction<'static, Any>,
    member: &CurrentUser,
    device: DeviceRef,
    max_seq: i64,
    accepted_seqs: &[i64],
    now: i64,
) -> Result<DeviceState, AppError> {
    let id = device.id.to_string();
    let row = sqlx::query("SELECT high_water FROM devices WHERE id = $1")
        .bind(&id)
        .fetch_optional(&mut **tx)
        .await?;
    let previous: i64 = match &row {
        Some(r) => r.try_get("high_water")?,
        None => 0,
    };
    // A record stored only now, yet numbered at or below what this device sent before: its
    // counter went back, which only happens when its store was wiped.
    let reset_detected = row.is_some() && accepted_seqs.iter().any(|&s| s <= previous);
    let high_water = previous.max(max_seq);
    if row.is_some() {
        sqlx::query(
            "UPDATE devices SET high_water = $2, user_id = $3, last_seen = $4, \
             resets = resets + $5 WHERE id = $1",
        )
        .bind(&id)
        .bind(high_water)
        .bind(&member.id)
        .bind(now)
        .bind(i32::from(reset_detected))
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO devices (id, user_id, high_water, resets, first_seen, last_seen) \
             VALUES ($1, $2, $3, 0, $4, $4)",
        )
        .bind(&id)
        .bind(&member.id)
        .bind(high_water)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(DeviceState {
        id: device.id,
        high_water,
        reset_detected,
    })
}

/// Reference data changed since `cursor` (all of it when `None`): the activities `member` is
/// expected at from the start of today on, and for organisers the roster of their branches.
pub async fn pull(
    db: &Db,
    member: &CurrentUser,
    cursor: Option<i64>,
) -> Result<PullResponse, AppError> {
    let since = cursor.unwrap_or(-1);
    let (day_start, _) = crate::domain::time::day_bounds_ms(now_ms());
    let rows = sqlx::query(
        "SELECT a.id, a.org_id, a.kind, a.topic, a.starts_at, a.ends_at, a.place, a.status, \
           a.version, \
           (SELECT COUNT(*) FROM activity_expected e \
             WHERE e.activity_id = a.id AND e.user_id = $1) AS expected, \
           (SELECT COUNT(*) FROM checkins c \
             WHERE c.activity_id = a.id AND c.user_id = $1) AS checked_in, \
           (SELECT MAX(CASE l.status WHEN 'approved' THEN 3 WHEN 'pending' THEN 2 ELSE 1 END) \
             FROM leave_requests l WHERE l.activity_id = a.id AND l.user_id = $1) AS leave \
         FROM activities a \
         WHERE a.version > $2 AND a.ends_at >= $3 AND a.id IN \
           (SELECT e.activity_id FROM activity_expected e WHERE e.user_id = $1) \
         ORDER BY a.version",
    )
    .bind(&member.id)
    .bind(since)
    .bind(day_start)
    .fetch_all(db.pool())
    .await?;
    let mut next = since.max(0);
    let mut activities = Vec::with_capacity(rows.len());
    for r in &rows {
        let version: i64 = r.try_get("version")?;
        next = next.max(version);
        let kind: String = r.try_get("kind")?;
        let leave: Option<i64> = r.try_get("leave")?;
        activities.push(PulledActivity {
            id: r.try_get("id")?,
            branch_id: r.try_get("org_id")?,
            kind: ActivityKind::parse(&kind).unwrap_or(ActivityKind::Other),
            topic: r.try_get("topic")?,
            starts_at: r.try_get("starts_at")?,
            ends_at: r.try_get("ends_at")?,
            place: r.try_get("place")?,
            status: r.try_get("status")?,
            expected: r.try_get::<i64, _>("expected")? > 0,
            checked_in: r.try_get::<i64, _>("checked_in")? > 0,
            leave: leave.map(crate::leave::status_from_rank),
            version,
        });
    }
    let roster = if member.role.runs_branches() {
        let sql = match member.role {
            crate::domain::role::Role::Admin => {
                "SELECT u.id, u.display_name, u.committee, u.group_id, u.active, u.version \
                 FROM users u JOIN organisations o ON o.id = u.org_id \
                 WHERE o.parent_id = $1 AND u.version > $2 ORDER BY u.version"
            }
            _ => {
                "SELECT u.id, u.display_name, u.committee, u.group_id, u.active, u.version \
                 FROM users u WHERE u.org_id = $1 AND u.version > $2 ORDER BY u.version"
            }
        };
        let rows = sqlx::query(sql)
            .bind(&member.org_id)
            .bind(since)
            .fetch_all(db.pool())
            .await?;
        let mut roster = Vec::with_capacity(rows.len());
        for r in &rows {
            let version: i64 = r.try_get("version")?;
            next = next.max(version);
            roster.push(RosterEntry {
                id: r.try_get("id")?,
                display_name: r.try_get("display_name")?,
                committee: r.try_get::<i64, _>("committee")? != 0,
                group_id: r.try_get("group_id")?,
                active: r.try_get::<i64, _>("active")? != 0,
                version,
            });
        }
        Some(roster)
    } else {
        None
    };
    Ok(PullResponse {
        cursor: next,
        activities,
        roster,
    })
}
