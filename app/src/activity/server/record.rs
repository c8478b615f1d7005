//! The activity's record (活动记录) as its organisers read it, its minutes, and the secret
//! behind the rotating code screen.

use super::super::{ActivityRecord, ChangeEntry, MarkEntry, PhotoView, ProofScreen};
use super::roll::roll_of;
use super::{Loaded, audience_label, load_organised, load_readable};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::{AttendanceState, Mark, RollCounts};
use crate::domain::participation::{Figure, SEED_PARTICIPATION_BAR};
use crate::error::AppError;

/// A hand mark as the record's log shows it.
#[derive(sqlx::FromRow)]
struct MarkRow {
    member: String,
    mark: String,
    before_state: String,
    after_state: String,
    note: String,
    by_name: String,
    marked_at: i64,
}

impl From<MarkRow> for MarkEntry {
    fn from(r: MarkRow) -> Self {
        let parse_state = |s: String| AttendanceState::parse(&s).unwrap_or(AttendanceState::Absent);
        MarkEntry {
            member_name: r.member,
            mark: Mark::parse(&r.mark).unwrap_or(Mark::Auto),
            before: parse_state(r.before_state),
            after: parse_state(r.after_state),
            note: r.note,
            by_name: r.by_name,
            at: r.marked_at,
        }
    }
}

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
    if loaded.row.starts_at > now {
        return Err(AppError::Invalid("活动开始后才能填写记录".into()));
    }
    if minutes.chars().count() > MAX_MINUTES_CHARS {
        return Err(AppError::Invalid("记录最多 20000 字".into()));
    }
    let mut tx = db.begin_write().await?;
    loaded.refuse_if_closed(&mut tx).await?;
    sqlx::query("UPDATE activities SET minutes = $2, minutes_at = $3 WHERE id = $1")
        .bind(id)
        .bind(minutes.trim())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The activity's full record (活动记录), for its organisers and, to read, the bureau.
pub async fn record(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    now: i64,
) -> Result<ActivityRecord, AppError> {
    let Loaded { branch, row } = load_readable(db, viewer, id).await?;
    let mut conn = db.pool().acquire().await?;
    let roll = roll_of(&mut conn, id).await?;
    let counts = RollCounts::of(roll.iter().map(|e| e.state));
    let marks: Vec<MarkRow> = sqlx::query_as(
        "SELECT u.display_name AS member, m.mark, m.before_state, m.after_state, m.note, \
           b.display_name AS by_name, m.marked_at \
         FROM attendance_marks m JOIN users u ON u.id = m.user_id JOIN users b ON b.id = m.marked_by \
         WHERE m.activity_id = $1 ORDER BY m.marked_at, m.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let photos: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT id, caption, uploaded_at FROM activity_photos WHERE activity_id = $1 \
         ORDER BY uploaded_at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let changes = changes_of(&mut conn, id).await?;
    let closed_year = crate::org::server::closed_year(&mut conn, &branch.id, row.starts_at).await?;
    let audience = row.audience();
    let audience_label = audience_label(&mut conn, &branch, &audience).await?;
    let cancelled = row.cancelled();
    let starts_at = row.starts_at;
    let roll_closed_at = row.roll_closed_at;
    let roll_taken = crate::domain::cadence::roll_taken(
        roll.iter().filter(|e| e.checkin_method.is_some()).count() as u32,
        roll.iter().filter(|e| e.marked).count() as u32,
        roll_closed_at.is_some(),
    );
    Ok(ActivityRecord {
        viewer: viewer.clone(),
        id: row.id,
        branch_id: branch.id.clone(),
        branch_name: branch.name.clone(),
        kind: ActivityKind::parse(&row.kind).unwrap_or(ActivityKind::Other),
        topic: row.topic,
        starts_at,
        ends_at: row.ends_at,
        place: row.place,
        chair: row.chair,
        recorder: row.recorder,
        audience: audience.encode(),
        audience_label,
        cancelled,
        cancel_reason: row.cancel_reason,
        minutes: row.minutes,
        minutes_at: row.minutes_at,
        held: starts_at <= now,
        roll_taken,
        roll_closed_at,
        entered_at: row.created_at,
        counts,
        figure: Figure::of(counts.attendance(), SEED_PARTICIPATION_BAR),
        roll,
        marks: marks.into_iter().map(MarkEntry::from).collect(),
        photos: photos
            .into_iter()
            .map(|(id, caption, uploaded_at)| PhotoView {
                id,
                caption,
                uploaded_at,
            })
            .collect(),
        changes,
        closed_year,
    })
}

/// What changed after the activity started, oldest first.
async fn changes_of(
    conn: &mut sqlx::AnyConnection,
    activity_id: &str,
) -> Result<Vec<ChangeEntry>, AppError> {
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT c.what, c.before_value, c.after_value, c.reason, u.display_name, c.changed_at \
         FROM activity_changes c JOIN users u ON u.id = c.changed_by \
         WHERE c.activity_id = $1 ORDER BY c.changed_at, c.id",
    )
    .bind(activity_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(what, before, after, reason, by_name, at)| ChangeEntry {
            what: change_label(&what).to_owned(),
            before,
            after,
            reason,
            by_name,
            at,
        })
        .collect())
}

/// For the 总支's to-do list: changes made after an activity started in `branch_id` since
/// `since`, newest first, each linking to the activity's record.
pub async fn changes_after_start(
    db: &Db,
    branch_id: &str,
    since: i64,
) -> Result<Vec<crate::domain::todo::Todo>, AppError> {
    let rows: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT a.id, o.name, a.topic, c.what, c.before_value, c.after_value, c.reason \
         FROM activity_changes c JOIN activities a ON a.id = c.activity_id \
         JOIN organisations o ON o.id = a.org_id \
         WHERE a.org_id = $1 AND c.changed_at >= $2 ORDER BY c.changed_at DESC, c.id",
    )
    .bind(branch_id)
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, branch, topic, what, before, after, reason)| {
            let change = if what == "cancel" {
                "开始后被取消".to_owned()
            } else {
                format!("开始后活动类型由“{before}”改为“{after}”")
            };
            crate::domain::todo::Todo {
                urgency: crate::domain::todo::Urgency::Open,
                text: format!("请核实：{branch}“{topic}”{change}，原因：{reason}"),
                href: Some(format!("/activity/{id}#changes")),
            }
        })
        .collect())
}

/// The name on screen of a change kind stored in `activity_changes.what`.
pub fn change_label(what: &str) -> &'static str {
    match what {
        "cancel" => "活动开始后取消",
        _ => "活动开始后修改活动类型",
    }
}

/// The secret and window of an activity, for its organisers' rotating code screen.
pub async fn proof_screen(
    db: &Db,
    viewer: &CurrentUser,
    id: &str,
    now: i64,
) -> Result<ProofScreen, AppError> {
    let Loaded { branch, row } = load_organised(db, viewer, id).await?;
    if row.cancelled() {
        return Err(AppError::Invalid("活动已取消，不能签到".into()));
    }
    Ok(ProofScreen {
        activity_id: row.id,
        topic: row.topic,
        branch_name: branch.name,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        secret: row.proof_secret,
        server_now: now,
    })
}
