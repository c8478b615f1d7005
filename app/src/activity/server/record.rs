//! The activity's record (活动记录) as its organisers read it, its minutes, and the secret
//! behind the rotating code screen.

use super::super::{ActivityRecord, MarkEntry, PhotoView, ProofScreen};
use super::roll::roll_of;
use super::{Loaded, audience_label, audience_of, load_organised};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::{AttendanceState, Mark, RollCounts};
use crate::domain::participation::{Figure, SEED_PARTICIPATION_BAR};
use crate::error::AppError;
use sqlx::Row;

/// The longest minutes, in characters.
pub const MAX_MINUTES_CHARS: usize = 20_000;

/// Keeps the minutes (会议记录) of an activity that has started.
pub async fn save_minutes(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    minutes: &str,
    now: i64,
) -> Result<(), AppError> {
    let loaded = load_organised(db, viewer, id).await?;
    if loaded.row.try_get::<i64, _>("starts_at")? > now {
        return Err(AppError::Invalid("活动开始后才能填写记录".into()));
    }
    if minutes.chars().count() > MAX_MINUTES_CHARS {
        return Err(AppError::Invalid("记录最多 20000 字".into()));
    }
    sqlx::query("UPDATE activities SET minutes = $2, minutes_at = $3 WHERE id = $1")
        .bind(id)
        .bind(minutes.trim())
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The activity's full record (活动记录), for its organisers.
pub async fn record(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    now: i64,
) -> Result<ActivityRecord, AppError> {
    let Loaded { branch, row } = load_organised(db, viewer, id).await?;
    let mut conn = db.pool().acquire().await?;
    let roll = roll_of(&mut conn, id).await?;
    let counts = RollCounts::of(roll.iter().map(|e| e.state));
    let marks = sqlx::query(
        "SELECT u.display_name AS member, m.mark, m.before_state, m.after_state, m.note, \
           b.display_name AS by_name, m.marked_at \
         FROM attendance_marks m JOIN users u ON u.id = m.user_id JOIN users b ON b.id = m.marked_by \
         WHERE m.activity_id = $1 ORDER BY m.marked_at, m.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let parse_state = |s: String| AttendanceState::parse(&s).unwrap_or(AttendanceState::Absent);
        Ok(MarkEntry {
            member_name: r.try_get("member")?,
            mark: Mark::parse(&r.try_get::<String, _>("mark")?).unwrap_or(Mark::Auto),
            before: parse_state(r.try_get("before_state")?),
            after: parse_state(r.try_get("after_state")?),
            note: r.try_get("note")?,
            by_name: r.try_get("by_name")?,
            at: r.try_get("marked_at")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let photos = sqlx::query(
        "SELECT id, caption, uploaded_at FROM activity_photos WHERE activity_id = $1 \
         ORDER BY uploaded_at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(PhotoView {
            id: r.try_get("id")?,
            caption: r.try_get("caption")?,
            uploaded_at: r.try_get("uploaded_at")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let audience = audience_of(&row)?;
    let audience_label = audience_label(&mut conn, &branch, &audience).await?;
    let kind: String = row.try_get("kind")?;
    let starts_at: i64 = row.try_get("starts_at")?;
    Ok(ActivityRecord {
        viewer: viewer.clone(),
        id: row.try_get("id")?,
        branch_id: branch.id.clone(),
        branch_name: branch.name.clone(),
        kind: ActivityKind::parse(&kind).unwrap_or(ActivityKind::Other),
        topic: row.try_get("topic")?,
        starts_at,
        ends_at: row.try_get("ends_at")?,
        place: row.try_get("place")?,
        chair: row.try_get("chair")?,
        recorder: row.try_get("recorder")?,
        audience: audience.encode(),
        audience_label,
        cancelled: row.try_get::<String, _>("status")? == "cancelled",
        cancel_reason: row.try_get("cancel_reason")?,
        minutes: row.try_get("minutes")?,
        minutes_at: row.try_get("minutes_at")?,
        held: starts_at <= now,
        counts,
        figure: Figure::of(counts.attendance(), SEED_PARTICIPATION_BAR),
        roll,
        marks,
        photos,
    })
}

/// The secret and window of an activity, for its organisers' rotating code screen.
pub async fn proof_screen(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    now: i64,
) -> Result<ProofScreen, AppError> {
    let Loaded { branch, row } = load_organised(db, viewer, id).await?;
    if row.try_get::<String, _>("status")? == "cancelled" {
        return Err(AppError::Invalid("活动已取消，不能签到".into()));
    }
    Ok(ProofScreen {
        activity_id: row.try_get("id")?,
        topic: row.try_get("topic")?,
        branch_name: branch.name,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        secret: row.try_get("proof_secret")?,
        server_now: now,
    })
}
