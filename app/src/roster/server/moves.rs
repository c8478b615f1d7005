//! Moves between branches and schools (组织关系转接): a member of one of the 总支's branches moves
//! to another of its branches or, under a bureau, to a branch of another of the bureau's
//! schools, from a given day. What came before stays where it happened: the activities of the
//! old branch before that day keep the member in their 应到; those from that day on that the
//! member neither attended nor was marked for or excused from drop them (they had left); the
//! new branch expects them at what has not started yet. Every move is kept, and audited.

use super::super::{MemberMoves, MoveView};
use super::organised_member;
use super::users::{USER_UNIQUE, school_of_org};
use crate::audit::Action;
use crate::audit::server::{Act, record};
use crate::auth::CurrentUser;
use crate::db::{Db, is_unique_violation, next_version};
use crate::domain::role::Role;
use crate::domain::roster::check_move_date;
use crate::domain::time::{date_of, start_of_day_ms};
use crate::error::AppError;
use crate::org::server::{Branch, refuse_if_closed};
use uuid::Uuid;

/// The branches a member of `from` may move to, as (id, label): the other branches of the
/// school, then those of the other schools of its bureau (labelled with their school).
async fn targets(db: &Db, from: &Branch) -> Result<Vec<(String, String)>, AppError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT b.id, b.name, s.id, COALESCE(s.school_name, s.name) \
         FROM organisations b JOIN organisations s ON s.id = b.parent_id \
         WHERE b.kind = 'branch' AND b.archived_at IS NULL AND s.archived_at IS NULL \
         AND b.id <> $1 AND (s.id = $2 OR (s.parent_id IS NOT NULL AND s.parent_id = \
           (SELECT parent_id FROM organisations WHERE id = $2))) \
         ORDER BY CASE WHEN s.id = $2 THEN 0 ELSE 1 END, s.sort_order, s.name, b.sort_order, b.name",
    )
    .bind(&from.id)
    .bind(from.parent_id.clone().unwrap_or_default())
    .fetch_all(db.pool())
    .await?;
    let home = from.parent_id.as_deref().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|(id, name, school, school_name)| {
            let label = if school == home {
                name
            } else {
                format!("{school_name} · {name}")
            };
            (id, label)
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct MoveRow {
    moved_on: String,
    from_name: String,
    to_name: String,
    reason: String,
    by_name: String,
    moved_at: i64,
}

/// A member's moves, oldest first, and — for the 总支 — where they may move to.
pub async fn moves(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
    now: i64,
) -> Result<MemberMoves, AppError> {
    let (branch, _) = organised_member(db, viewer, user_id).await?;
    let rows: Vec<MoveRow> = sqlx::query_as(
        "SELECT m.moved_on, f.name AS from_name, t.name AS to_name, m.reason, \
           u.display_name AS by_name, m.moved_at \
         FROM member_moves m JOIN organisations f ON f.id = m.from_org \
         JOIN organisations t ON t.id = m.to_org JOIN users u ON u.id = m.moved_by \
         WHERE m.user_id = $1 ORDER BY m.moved_on, m.moved_at",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let may_move = viewer.role == Role::Admin;
    Ok(MemberMoves {
        may_move,
        targets: if may_move {
            targets(db, &branch).await?
        } else {
            Vec::new()
        },
        history: rows
            .into_iter()
            .map(|r| MoveView {
                moved_on: r.moved_on,
                from: r.from_name,
                to: r.to_name,
                reason: r.reason,
                by: r.by_name,
                at: r.moved_at,
            })
            .collect(),
        today: date_of(now).map(|d| d.to_string()).unwrap_or_default(),
    })
}

/// Moves the member `user_id` to the branch `to` from the day `moved_on` (the 总支 of their
/// school only). Their group and committee seat stay behind; a secretary becomes a member of
/// the new branch. Returns the new branch's id.
pub async fn move_member(
    db: &Db,
    viewer: &CurrentUser,
    user_id: &str,
    to: &str,
    moved_on: &str,
    reason: &str,
    now: i64,
) -> Result<String, AppError> {
    let (from, member) = organised_member(db, viewer, user_id).await?;
    if viewer.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let targets = targets(db, &from).await?;
    let Some((_, to_label)) = targets.iter().find(|(id, _)| id == to) else {
        return Err(AppError::Invalid(
            "只能转到本校（或本教育局下其他学校）的其他党支部".into(),
        ));
    };
    let today = date_of(now).unwrap_or_default();
    let day = check_move_date(moved_on, today).map_err(AppError::Invalid)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::Invalid(
            "请写明转接原因（最多 200 字），如“调往城关二中任教”".into(),
        ));
    }
    let from_ms = start_of_day_ms(day);
    let mut tx = db.begin_write().await?;
    refuse_if_closed(&mut tx, &from.id, from_ms).await?;
    refuse_if_closed(&mut tx, to, from_ms).await?;
    // Still where the page said (two admins moving the same member at once: one wins).
    let still: Option<String> =
        sqlx::query_scalar("SELECT org_id FROM users WHERE id = $1 AND role <> 'admin'")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    if still.as_deref() != Some(from.id.as_str()) {
        return Err(AppError::Invalid("该党员已不在本支部，请刷新页面".into()));
    }
    // The old branch's activities from that day on that have started, where the member left
    // no trace: they were no longer expected there.
    let dropped: Vec<String> = sqlx::query_scalar(
        "SELECT a.id FROM activities a JOIN activity_expected e ON e.activity_id = a.id \
         WHERE e.user_id = $1 AND a.org_id = $2 AND a.starts_at >= $3 AND a.starts_at <= $4 \
         AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.activity_id = a.id AND c.user_id = $1) \
         AND NOT EXISTS (SELECT 1 FROM attendance_marks m \
           WHERE m.activity_id = a.id AND m.user_id = $1) \
         AND NOT EXISTS (SELECT 1 FROM leave_requests l \
           WHERE l.activity_id = a.id AND l.user_id = $1)",
    )
    .bind(user_id)
    .bind(&from.id)
    .bind(from_ms)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    for activity in &dropped {
        sqlx::query("DELETE FROM activity_expected WHERE activity_id = $1 AND user_id = $2")
            .bind(activity)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let version = next_version(&mut tx).await?;
        sqlx::query("UPDATE activities SET version = $2 WHERE id = $1")
            .bind(activity)
            .bind(version)
            .execute(&mut *tx)
            .await?;
    }
    let dropped_ids: Vec<&str> = dropped.iter().map(String::as_str).collect();
    crate::activity::server::retally(&mut tx, &dropped_ids).await?;
    let version = next_version(&mut tx).await?;
    // Into another school, the account takes that school's names: a username or phone number
    // already used there refuses the move (an audited act, not a free lookup; see the README's
    // security section).
    let moved = sqlx::query(concat!(
        "UPDATE users SET org_id = $2, group_id = NULL, committee = 0, committee_role = NULL, \
           role = 'member', version = $3, school_id = ",
        school_of_org!("$2"),
        " WHERE id = $1"
    ))
    .bind(user_id)
    .bind(to)
    .bind(version)
    .execute(&mut *tx)
    .await;
    match moved {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e, USER_UNIQUE) => {
            return Err(AppError::Invalid(format!(
                "无法转入{to_label}：转入的学校已有账号使用用户名“{}”或同一手机号。请先修改该党员的用户名（或核对手机号）再转接。",
                member.username
            )));
        }
        Err(e) => return Err(e.into()),
    }
    sqlx::query(
        "INSERT INTO member_moves (id, user_id, from_org, to_org, moved_on, reason, moved_by, \
           moved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(user_id)
    .bind(&from.id)
    .bind(to)
    .bind(day.to_string())
    .bind(reason)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::activity::server::follow_roster(&mut tx, &from.id, now).await?;
    crate::activity::server::follow_roster(&mut tx, to, now).await?;
    let target = format!("{}（{}）", member.name, member.username);
    let detail = format!(
        "{day} 起从{}转到{to_label}：{reason}；此后未参加的 {} 次活动不再计入应到",
        from.name,
        dropped.len()
    );
    // Both schools' 总支 read it (once when it stays in the school).
    let from_school = crate::audit::server::school_of(&mut tx, &from.id).await?;
    let to_school = crate::audit::server::school_of(&mut tx, to).await?;
    let mut schools = vec![from_school];
    if !schools.contains(&to_school) {
        schools.push(to_school);
    }
    for school in &schools {
        let act = Act {
            action: Action::MemberMove,
            school_id: school,
            branch_id: None,
            target: target.clone(),
            detail: detail.clone(),
        };
        record(&mut tx, viewer, act, now).await?;
    }
    tx.commit().await?;
    Ok(to.to_owned())
}
