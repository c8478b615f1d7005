//! The roll of an activity (each expected member's state) and marks made by hand.

use super::super::RollEntry;
use super::load_organised;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::attendance::{AttendanceState, Facts, LeaveStatus, Mark, conflict, state};
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The roll rows of the activities `$acts` selects (a condition on `activities a`): each
/// expected member with the facts that decide their state (`roll_facts!`).
macro_rules! roll_select {
    ($acts:literal) => {
        concat!(
            roll_facts!($acts),
            " SELECT e.activity_id, e.user_id, u.display_name, ck.checkin_method, \
               ck.checkin_review, lv.leave, lv.leave_reason, ",
            latest_mark!(),
            " AS latest_mark, ",
            latest_mark_at!(),
            " AS latest_mark_at, ck.checkin_received_at",
            roll_from!(),
            " JOIN users u ON u.id = e.user_id"
        )
    };
}

/// A roll row: an expected member of an activity with the facts that decide their state.
#[derive(sqlx::FromRow)]
pub(super) struct RollRow {
    pub(super) activity_id: String,
    pub(super) user_id: String,
    pub(super) display_name: String,
    pub(super) checkin_method: Option<String>,
    pub(super) checkin_review: Option<String>,
    pub(super) leave: Option<i64>,
    pub(super) leave_reason: Option<String>,
    pub(super) latest_mark: Option<String>,
    pub(super) latest_mark_at: Option<i64>,
    pub(super) checkin_received_at: Option<i64>,
}

impl RollRow {
    /// The activity's id and the member's entry on its roll.
    pub(super) fn into_entry(self) -> (String, RollEntry) {
        let method = self.checkin_method;
        let leave = self
            .leave
            .map(crate::domain::attendance::LeaveStatus::from_rank);
        let latest_mark = self.latest_mark.as_deref().and_then(Mark::parse);
        let facts = Facts {
            checked_in: method.is_some(),
            leave_approved: leave == Some(LeaveStatus::Approved),
            latest_mark,
        };
        (
            self.activity_id,
            RollEntry {
                user_id: self.user_id,
                name: self.display_name,
                state: state(facts),
                checkin_method: method,
                checkin_review: self
                    .checkin_review
                    .as_deref()
                    .and_then(crate::sync::protocol::CheckinReview::parse),
                leave,
                leave_reason: self.leave_reason,
                marked: latest_mark.is_some_and(|m| m != Mark::Auto),
                conflict: conflict(
                    latest_mark.zip(self.latest_mark_at),
                    self.checkin_received_at,
                ),
            },
        )
    }
}

/// The roll of every activity of a branch, cancelled ones and every year included, by id.
pub(super) async fn rolls_of_activities(
    conn: &mut AnyConnection,
    branch_id: &str,
) -> Result<HashMap<String, Vec<RollEntry>>, AppError> {
    let rows: Vec<RollRow> = sqlx::query_as(roll_select!("a.org_id = $1"))
        .bind(branch_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut rolls: HashMap<String, Vec<RollEntry>> = HashMap::new();
    for row in rows {
        let (activity, entry) = row.into_entry();
        rolls.entry(activity).or_default().push(entry);
    }
    Ok(rolls)
}

pub(super) async fn roll_of(
    conn: &mut AnyConnection,
    activity_id: &str,
) -> Result<Vec<RollEntry>, AppError> {
    let rows: Vec<RollRow> = sqlx::query_as(roll_select!("a.id = $1"))
        .bind(activity_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut roll: Vec<RollEntry> = rows.into_iter().map(|r| r.into_entry().1).collect();
    roll.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(roll)
}

/// Sets a member's attendance by hand, keeping who did it, when, and the state before and after.
pub async fn mark(
    db: &Db,
    viewer: &CurrentUser,
    activity_id: &str,
    user_id: &str,
    mark: Mark,
    note: &str,
    now: i64,
) -> Result<AttendanceState, AppError> {
    let loaded = load_organised(db, viewer, activity_id).await?;
    if loaded.row.cancelled() {
        return Err(AppError::Invalid("活动已取消".into()));
    }
    if loaded.row.starts_at > now + crate::domain::proof::WINDOW_TOLERANCE_MS {
        return Err(AppError::Invalid("活动尚未开始，不能标记出席".into()));
    }
    if note.chars().count() > 200 {
        return Err(AppError::Invalid("备注最多 200 字".into()));
    }
    let mut tx = db.begin_write().await?;
    loaded.refuse_if_closed(&mut tx).await?;
    let roll = roll_of(&mut tx, activity_id).await?;
    let entry = roll
        .iter()
        .find(|e| e.user_id == user_id)
        .ok_or_else(|| AppError::Invalid("该党员不在本次活动的应到名单中".into()))?;
    let (before, name) = (entry.state, entry.name.clone());
    sqlx::query(
        "INSERT INTO attendance_marks (id, activity_id, user_id, mark, before_state, after_state, \
           note, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(activity_id)
    .bind(user_id)
    .bind(mark.as_str())
    .bind(before.as_str())
    .bind(note.trim())
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // What the record shows now follows from the rule; keep it beside the mark.
    let after = roll_of(&mut tx, activity_id)
        .await?
        .into_iter()
        .find(|e| e.user_id == user_id)
        .map_or(before, |e| e.state);
    sqlx::query(
        "UPDATE attendance_marks SET after_state = $1 WHERE activity_id = $2 AND user_id = $3 \
         AND after_state = ''",
    )
    .bind(after.as_str())
    .bind(activity_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    let detail = format!(
        "{}（{} → {}）{}",
        mark.label(),
        before.label(),
        after.label(),
        Some(note.trim())
            .filter(|n| !n.is_empty())
            .map(|n| format!("，备注：{n}"))
            .unwrap_or_default()
    );
    let target = format!("{}：{}", loaded.row.topic, name);
    audit_correction(&mut tx, viewer, &loaded, target, detail, now).await?;
    super::retally(&mut tx, &[activity_id]).await?;
    tx.commit().await?;
    Ok(after)
}

/// The secretary's one action on an activity's held check-ins (`domain::replay`): confirms
/// them all (they count from now on) or refuses them all. Returns how many were decided. The
/// activity's version moves so members' phones pull the outcome.
pub async fn review_held(
    db: &Db,
    viewer: &CurrentUser,
    activity_id: &str,
    confirm: bool,
    now: i64,
) -> Result<u64, AppError> {
    let loaded = load_organised(db, viewer, activity_id).await?;
    let mut tx = db.begin_write().await?;
    loaded.refuse_if_closed(&mut tx).await?;
    let decided = sqlx::query(
        "UPDATE checkins SET review = $2, reviewed_by = $3, reviewed_at = $4 \
         WHERE activity_id = $1 AND review = 'pending'",
    )
    .bind(activity_id)
    .bind(if confirm { "confirmed" } else { "refused" })
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if decided == 0 {
        tx.rollback().await?;
        return Err(AppError::Invalid(
            "没有待确认的签到（可能已由他人处理）".into(),
        ));
    }
    let version = crate::db::next_version(&mut tx).await?;
    sqlx::query("UPDATE activities SET version = $2 WHERE id = $1")
        .bind(activity_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    let detail = format!(
        "{}待确认的签到 {decided} 条",
        if confirm { "确认" } else { "不予确认" }
    );
    let target = loaded.row.topic.clone();
    audit_correction(&mut tx, viewer, &loaded, target, detail, now).await?;
    super::retally(&mut tx, &[activity_id]).await?;
    tx.commit().await?;
    Ok(decided)
}

/// Closes the roll of an activity that has started: it counts as held from now on even if
/// nobody checked in or was marked (`domain::cadence::roll_taken`), so its 应到 count as
/// absent. Closing twice changes nothing. Audited.
pub async fn close_roll(
    db: &Db,
    viewer: &CurrentUser,
    activity_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let loaded = load_organised(db, viewer, activity_id).await?;
    if loaded.row.cancelled() {
        return Err(AppError::Invalid("活动已取消".into()));
    }
    if loaded.row.starts_at > now {
        return Err(AppError::Invalid("活动尚未开始，不能结束点名".into()));
    }
    let mut tx = db.begin_write().await?;
    loaded.refuse_if_closed(&mut tx).await?;
    let closed = sqlx::query(
        "UPDATE activities SET roll_closed_at = $2, roll_closed_by = $3 \
         WHERE id = $1 AND roll_closed_at IS NULL",
    )
    .bind(activity_id)
    .bind(now)
    .bind(&viewer.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if closed == 0 {
        tx.rollback().await?;
        return Ok(());
    }
    let target = loaded.row.topic.clone();
    let detail = "点名完毕（计入参与率）".to_owned();
    audit_correction(&mut tx, viewer, &loaded, target, detail, now).await?;
    super::retally(&mut tx, &[activity_id]).await?;
    tx.commit().await?;
    Ok(())
}

/// The audit row of a change to an activity's attendance record.
async fn audit_correction(
    tx: &mut sqlx::AnyConnection,
    viewer: &CurrentUser,
    loaded: &super::Loaded,
    target: String,
    detail: String,
    now: i64,
) -> Result<(), AppError> {
    let school = crate::audit::server::school_of(tx, &loaded.branch.id).await?;
    let act = crate::audit::server::Act {
        action: crate::audit::Action::RecordCorrection,
        school_id: &school,
        branch_id: Some(&loaded.branch.id),
        target,
        detail,
    };
    crate::audit::server::record(tx, viewer, act, now).await
}
