//! Storage of leave requests and the secretary's decisions.

use super::LeaveItem;
use crate::activity::server::{Claim, claimed_target};
use crate::auth::CurrentUser;
use crate::db::{Db, Once, now_ms};
use crate::domain::attendance::LeaveStatus;
use crate::domain::role::may_organise;
use crate::error::AppError;
use crate::sync::protocol::{
    LeaveRequestBody, MAX_REASON_CHARS, PushResult, PushStatus, RejectCode,
};
use crate::sync::server::{Received, seen_result};
use sqlx::AnyConnection;
use uuid::Uuid;

/// Stores one leave request once (same rules as a check-in: duplicate, conflict, rejected).
pub async fn store_request(
    tx: &mut AnyConnection,
    ctx: &Received<'_>,
    id: Uuid,
    body: &LeaveRequestBody,
) -> Result<PushResult, AppError> {
    let id_text = id.to_string();
    let reason = body.reason.trim();
    let once = Once::by_id(
        "leave_requests",
        &id_text,
        &["activity_id", "user_id", "reason", "device_time"],
        &[
            &body.activity_id.to_string(),
            &body.member_id.to_string(),
            reason,
            &body.device_time.to_string(),
        ],
    );
    if let Some(seen) = once.seen(tx).await? {
        return Ok(seen_result(id, seen));
    }
    let reject = |code, reason: &str| Ok(PushResult::rejected(Some(id_text.clone()), code, reason));
    if reason.is_empty() {
        return reject(RejectCode::BadReason, "请写明请假事由");
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return reject(RejectCode::BadReason, "请假事由太长（最多 500 字）");
    }
    let claim = Claim {
        member_id: body.member_id,
        activity_id: body.activity_id,
        device_time: body.device_time,
        not_yours: "只能为自己请假",
    };
    let target = match claimed_target(tx, ctx, &claim).await? {
        Ok(t) => t,
        Err((code, why)) => return reject(code, &why),
    };
    if body.device_time > target.ends_at {
        return reject(
            RejectCode::ActivityOver,
            "活动已结束，不能再请假；如有特殊情况请联系支部书记",
        );
    }
    let insert = sqlx::query(
        "INSERT INTO leave_requests (id, activity_id, user_id, reason, device_time, device_id, \
           device_seq, received_at, status, content_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&id_text)
    .bind(&target.id)
    .bind(&ctx.member.id)
    .bind(reason)
    .bind(body.device_time)
    .bind(ctx.device.clone())
    .bind(ctx.seq)
    .bind(ctx.at)
    .bind(&once.content_hash);
    Ok(match once.insert(tx, insert).await? {
        None => PushResult::stored(id, PushStatus::Accepted),
        Some(seen) => seen_result(id, seen),
    })
}

/// The branch of a leave request's activity, for the permission check.
async fn branch_of_request(db: &Db, id: &str) -> Result<(String, Option<String>), AppError> {
    sqlx::query_as(
        "SELECT o.id, o.parent_id FROM leave_requests l \
         JOIN activities a ON a.id = l.activity_id JOIN organisations o ON o.id = a.org_id \
         WHERE l.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)
}

/// The secretary (or admin) approves or declines. A decision can be changed; the latest stands.
pub async fn decide(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    approve: bool,
    note: &str,
) -> Result<(), AppError> {
    let (branch, parent) = branch_of_request(db, id).await?;
    if !may_organise(viewer.role, &viewer.org_id, &branch, parent.as_deref()) {
        return Err(AppError::Forbidden);
    }
    let status = if approve {
        LeaveStatus::Approved
    } else {
        LeaveStatus::Declined
    };
    let starts_at: i64 = sqlx::query_scalar(
        "SELECT a.starts_at FROM leave_requests l JOIN activities a ON a.id = l.activity_id \
         WHERE l.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    crate::org::server::refuse_if_closed(&mut *db.pool().acquire().await?, &branch, starts_at)
        .await?;
    let mut tx = db.begin_write().await?;
    let activity: String = sqlx::query_scalar(
        "UPDATE leave_requests SET status = $2, decided_by = $3, decided_at = $4, \
         decision_note = $5 WHERE id = $1 RETURNING activity_id",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(&viewer.id)
    .bind(now_ms())
    .bind(note.trim())
    .fetch_one(&mut *tx)
    .await?;
    crate::activity::server::retally(&mut tx, &[activity.as_str()]).await?;
    tx.commit().await?;
    Ok(())
}

/// The leave requests of a branch's activities from `since` on, newest first.
pub async fn branch_requests(
    db: &Db,
    branch_id: &str,
    since: i64,
) -> Result<Vec<LeaveItem>, AppError> {
    let rows: Vec<LeaveRow> = sqlx::query_as(
        "SELECT l.id, l.activity_id, a.topic, a.starts_at, u.display_name, l.reason, \
           l.device_time, l.status, d.display_name AS decided_by, l.decision_note \
         FROM leave_requests l JOIN activities a ON a.id = l.activity_id \
         JOIN users u ON u.id = l.user_id LEFT JOIN users d ON d.id = l.decided_by \
         WHERE a.org_id = $1 AND a.starts_at >= $2 \
         ORDER BY l.received_at DESC, l.id",
    )
    .bind(branch_id)
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(LeaveItem::from).collect())
}

/// A leave request as the secretary's list reads it.
#[derive(sqlx::FromRow)]
struct LeaveRow {
    id: String,
    activity_id: String,
    topic: String,
    starts_at: i64,
    display_name: String,
    reason: String,
    device_time: i64,
    status: String,
    decided_by: Option<String>,
    decision_note: String,
}

impl From<LeaveRow> for LeaveItem {
    fn from(r: LeaveRow) -> Self {
        LeaveItem {
            id: r.id,
            activity_id: r.activity_id,
            activity_topic: r.topic,
            activity_starts_at: r.starts_at,
            member_name: r.display_name,
            reason: r.reason,
            asked_at: r.device_time,
            status: LeaveStatus::parse(&r.status).unwrap_or(LeaveStatus::Pending),
            decided_by: r.decided_by,
            decision_note: r.decision_note,
        }
    }
}
