//! Storage of check-ins: the member's activities and the idempotent store behind sync push.

use super::{MemberActivity, MyActivities};
use crate::auth::CurrentUser;
use crate::db::{Db, now_ms};
use crate::domain::activity::ActivityKind;
use crate::domain::time::day_bounds_ms;
use crate::error::AppError;
use crate::sync::protocol::{CheckinBody, PushResult, PushStatus, Record, RecordBody, RejectCode};
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

/// How many upcoming activities "我的活动" lists after today's.
const UPCOMING_LIMIT: i64 = 10;

fn activity_from_row(row: &sqlx::any::AnyRow) -> Result<MemberActivity, AppError> {
    let kind: String = row.try_get("kind")?;
    Ok(MemberActivity {
        id: row.try_get("id")?,
        kind: ActivityKind::parse(&kind).unwrap_or(ActivityKind::Other),
        topic: row.try_get("topic")?,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        place: row.try_get("place")?,
        checked_in: row.try_get::<i64, _>("checked_in")? > 0,
    })
}

/// Today's and the next scheduled activities that `member` is expected at.
pub async fn member_activities(
    db: &Db,
    member: &CurrentUser,
    now: i64,
) -> Result<MyActivities, AppError> {
    let (day_start, day_end) = day_bounds_ms(now);
    let rows = sqlx::query(
        "SELECT a.id, a.kind, a.topic, a.starts_at, a.ends_at, a.place, \
           (SELECT COUNT(*) FROM checkins c WHERE c.activity_id = a.id AND c.user_id = e.user_id) \
             AS checked_in \
         FROM activities a JOIN activity_expected e ON e.activity_id = a.id \
         WHERE e.user_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2 \
         ORDER BY a.starts_at, a.id LIMIT $3",
    )
    .bind(&member.id)
    .bind(day_start)
    .bind(UPCOMING_LIMIT + 20)
    .fetch_all(db.pool())
    .await?;
    let mut today = Vec::new();
    let mut upcoming = Vec::new();
    for row in &rows {
        let a = activity_from_row(row)?;
        if a.starts_at < day_end {
            today.push(a);
        } else if (upcoming.len() as i64) < UPCOMING_LIMIT {
            upcoming.push(a);
        }
    }
    Ok(MyActivities {
        member: member.clone(),
        today,
        upcoming,
    })
}

/// Stores a pushed batch for `member` in one transaction and answers one result per record,
/// in order. Returns only after the commit, so every `accepted` is durable.
pub async fn push(
    db: &Db,
    member: &CurrentUser,
    records: Vec<serde_json::Value>,
) -> Result<Vec<PushResult>, AppError> {
    let received_at = now_ms();
    let mut tx = db.begin_write().await?;
    let mut results = Vec::with_capacity(records.len());
    for raw in records {
        let result = match Record::parse(raw) {
            Err(rejected) => rejected,
            Ok(Record {
                id,
                body: RecordBody::Checkin(body),
            }) => store_checkin(&mut tx, member, id, &body, received_at).await?,
        };
        results.push(result);
    }
    tx.commit().await?;
    Ok(results)
}

/// Stores one check-in once. The existing record, if any, decides first: a retry of a record
/// that was accepted must stay a success even if the activity was cancelled since.
async fn store_checkin(
    tx: &mut Transaction<'static, Any>,
    member: &CurrentUser,
    id: Uuid,
    body: &CheckinBody,
    received_at: i64,
) -> Result<PushResult, AppError> {
    let id_text = id.to_string();
    if let Some(result) = compare_existing(tx, id, body).await? {
        return Ok(result);
    }
    let reject = |code, reason: &str| Ok(PushResult::rejected(Some(id_text.clone()), code, reason));
    if body.member_id.to_string() != member.id {
        return reject(RejectCode::NotYours, "只能为自己签到");
    }
    let activity = sqlx::query(
        "SELECT a.status, (SELECT COUNT(*) FROM activity_expected e \
           WHERE e.activity_id = a.id AND e.user_id = $2) AS expected \
         FROM activities a WHERE a.id = $1",
    )
    .bind(body.activity_id.to_string())
    .bind(&member.id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(activity) = activity else {
        return reject(RejectCode::UnknownActivity, "活动不存在");
    };
    if activity.try_get::<String, _>("status")? == "cancelled" {
        return reject(RejectCode::Cancelled, "活动已取消");
    }
    if activity.try_get::<i64, _>("expected")? == 0 {
        return reject(RejectCode::NotExpected, "您不在本次活动的应到名单中");
    }
    let inserted = sqlx::query(
        "INSERT INTO checkins (id, activity_id, user_id, device_time, method, received_at) \
         VALUES ($1, $2, $3, $4, 'app', $5) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&id_text)
    .bind(body.activity_id.to_string())
    .bind(&member.id)
    .bind(body.device_time)
    .bind(received_at)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(PushResult::stored(id, PushStatus::Accepted));
    }
    // Another transaction stored this id between our read and our insert.
    Ok(compare_existing(tx, id, body)
        .await?
        .unwrap_or_else(|| PushResult::stored(id, PushStatus::Duplicate)))
}

/// `Some(duplicate or conflict)` when the id is stored already, `None` when it is new.
async fn compare_existing(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    body: &CheckinBody,
) -> Result<Option<PushResult>, AppError> {
    let row = sqlx::query("SELECT activity_id, user_id, device_time FROM checkins WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let same = row.try_get::<String, _>("activity_id")? == body.activity_id.to_string()
        && row.try_get::<String, _>("user_id")? == body.member_id.to_string()
        && row.try_get::<i64, _>("device_time")? == body.device_time;
    Ok(Some(if same {
        PushResult::stored(id, PushStatus::Duplicate)
    } else {
        PushResult::rejected(
            Some(id.to_string()),
            RejectCode::Conflict,
            "此编号的记录已存在且内容不同，未覆盖",
        )
    }))
}
