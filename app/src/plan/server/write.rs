//! Writing a plan: the organisers save and submit it, the 总支 approves or returns it, the
//! tasks' status and progress are kept — each step in the plan's trail, in its transaction.
//! A closed year's plan takes no change.

use super::{content_of, plan_row};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::plan::{MAX_NOTE_CHARS, MAX_NOTE_LINKS, PlanContent, PlanState, TaskStatus};
use crate::error::AppError;
use crate::rating::server::{Scope, reading};

/// Longest comment of the 总支's.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The trail's words for an act.
pub fn act_label(act: &str) -> &'static str {
    match act {
        "save" => "保存",
        "submit" => "提交审批",
        "approve" => "审批通过",
        "return" => "退回修改",
        "status" => "更新任务状态",
        "progress" => "记录任务进展",
        _ => "其他",
    }
}

/// The scope of a change to `org_id`'s plan of `year`: readable, the year one the plan may
/// have and not closed.
async fn scope(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    now: i64,
) -> Result<Scope, AppError> {
    let scope = reading(db, viewer, org_id).await?;
    crate::rating::server::rating_year(Some(year), now)?;
    Ok(scope)
}

async fn open(conn: &mut sqlx::AnyConnection, org_id: &str, year: i32) -> Result<(), AppError> {
    let (from, _) = crate::domain::time::year_bounds_ms(year);
    crate::org::server::refuse_if_closed(conn, org_id, from).await
}

/// One step of the trail.
pub struct Step<'a> {
    pub act: &'a str,
    pub note: &'a str,
    pub version: i64,
}

async fn trail(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    year: i32,
    step: Step<'_>,
    by: &CurrentUser,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO plan_trail (id, org_id, year, act, note, version, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(org_id)
    .bind(year)
    .bind(step.act)
    .bind(step.note)
    .bind(step.version)
    .bind(&by.id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Saves the plan's words (and with `submit`, submits them). Unchanged words are no new
/// version; a submitted plan waits for the 总支; a change to an approved plan is a new draft
/// (the approved version stays until the next approval).
pub async fn save(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    content: PlanContent,
    submit: bool,
    now: i64,
) -> Result<(), AppError> {
    let scope = scope(db, viewer, org_id, year, now).await?;
    if !scope.may_submit {
        return Err(AppError::Forbidden);
    }
    let content = content.checked(year).map_err(AppError::Invalid)?;
    let org = &scope.branch.id;
    let mut tx = db.begin_write().await?;
    open(&mut tx, org, year).await?;
    let row = plan_row(&mut tx, org, year).await?;
    let state = row.as_ref().and_then(|r| PlanState::parse(&r.state));
    if state == Some(PlanState::Submitted) {
        return Err(AppError::Invalid(
            "方案已提交，正在等待审批；审批或退回后才能修改".into(),
        ));
    }
    let unchanged = match &row {
        Some(r) => content_of(&mut tx, org, year, r.version).await? == content,
        None => false,
    };
    let next = match (submit, state, unchanged) {
        (true, Some(PlanState::Approved), true) => {
            return Err(AppError::Invalid(
                "方案已审批，内容没有改动，无需再次提交".into(),
            ));
        }
        (true, _, _) => PlanState::Submitted,
        // Unchanged words keep their state.
        (false, Some(s), true) => s,
        _ => PlanState::Draft,
    };
    let version = row.as_ref().map_or(0, |r| r.version) + i64::from(!unchanged);
    if !unchanged {
        let json = serde_json::to_string(&content).map_err(|_| AppError::Internal)?;
        sqlx::query(
            "INSERT INTO plan_versions (org_id, year, version, content, saved_by, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org)
        .bind(year)
        .bind(version)
        .bind(json)
        .bind(&viewer.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        trail(
            &mut tx,
            org,
            year,
            Step {
                act: "save",
                note: "",
                version,
            },
            viewer,
            now,
        )
        .await?;
    }
    if row.is_none() {
        sqlx::query(
            "INSERT INTO plans (org_id, year, state, version, approved_version, comment, \
             updated_by, updated_at) VALUES ($1, $2, $3, $4, NULL, '', $5, $6)",
        )
        .bind(org)
        .bind(year)
        .bind(next.key())
        .bind(version)
        .bind(&viewer.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "UPDATE plans SET state = $3, version = $4, updated_by = $5, updated_at = $6 \
             WHERE org_id = $1 AND year = $2",
        )
        .bind(org)
        .bind(year)
        .bind(next.key())
        .bind(version)
        .bind(&viewer.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    if submit {
        trail(
            &mut tx,
            org,
            year,
            Step {
                act: "submit",
                note: "",
                version,
            },
            viewer,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The 总支 approves a submitted plan, or returns it with a comment.
pub async fn decide(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    approve: bool,
    comment: &str,
    now: i64,
) -> Result<(), AppError> {
    let scope = scope(db, viewer, org_id, year, now).await?;
    if !scope.may_decide {
        return Err(AppError::Forbidden);
    }
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::Invalid(format!(
            "意见最多 {MAX_COMMENT_CHARS} 字"
        )));
    }
    if !approve && comment.is_empty() {
        return Err(AppError::Invalid("退回时请写明需要修改的地方".into()));
    }
    let org = &scope.branch.id;
    let mut tx = db.begin_write().await?;
    open(&mut tx, org, year).await?;
    let row = plan_row(&mut tx, org, year).await?;
    let Some(row) = row.filter(|r| r.state == PlanState::Submitted.key()) else {
        return Err(AppError::Invalid("没有等待审批的方案".into()));
    };
    let (state, act) = if approve {
        (PlanState::Approved, "approve")
    } else {
        (PlanState::Returned, "return")
    };
    sqlx::query(
        "UPDATE plans SET state = $3, approved_version = CASE WHEN $4 = 1 THEN version \
         ELSE approved_version END, comment = $5 WHERE org_id = $1 AND year = $2",
    )
    .bind(org)
    .bind(year)
    .bind(state.key())
    .bind(i32::from(approve))
    .bind(comment)
    .execute(&mut *tx)
    .await?;
    let step = Step {
        act,
        note: comment,
        version: row.version,
    };
    trail(&mut tx, org, year, step, viewer, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The current words of a saved plan, for a task's change: the task must be in them.
async fn task_of(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    year: i32,
    task_id: &str,
) -> Result<(i64, String), AppError> {
    let row = plan_row(conn, org, year).await?.ok_or(AppError::NotFound)?;
    let content = content_of(conn, org, year, row.version).await?;
    let task = content
        .tasks
        .iter()
        .find(|t| t.id == task_id)
        .ok_or(AppError::NotFound)?;
    Ok((row.version, task.title.clone()))
}

/// Sets a task's status (no new approval needed).
pub async fn set_status(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: i32,
    task_id: &str,
    status: TaskStatus,
    now: i64,
) -> Result<(), AppError> {
    let scope = scope(db, viewer, org_id, year, now).await?;
    if !scope.may_submit {
        return Err(AppError::Forbidden);
    }
    let org = &scope.branch.id;
    let mut tx = db.begin_write().await?;
    open(&mut tx, org, year).await?;
    let (version, title) = task_of(&mut tx, org, year, task_id).await?;
    sqlx::query(
        "INSERT INTO plan_task_status (org_id, year, task_id, status, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, year, task_id) DO UPDATE SET \
         status = excluded.status, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(org)
    .bind(year)
    .bind(task_id)
    .bind(status.key())
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let note = format!("{title}：{}", status.label());
    trail(
        &mut tx,
        org,
        year,
        Step {
            act: "status",
            note: &note,
            version,
        },
        viewer,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A progress note of a task: its day, text and links to the organisation's own activity
/// records (ids separated by spaces or commas).
pub struct NewNote<'a> {
    pub org_id: &'a str,
    pub year: i32,
    pub task_id: &'a str,
    pub on_day: &'a str,
    pub note: &'a str,
    pub links: &'a str,
}

/// Adds a progress note to a task.
pub async fn add_note(
    db: &Db,
    viewer: &CurrentUser,
    n: &NewNote<'_>,
    now: i64,
) -> Result<(), AppError> {
    let scope = scope(db, viewer, n.org_id, n.year, now).await?;
    if !scope.may_submit {
        return Err(AppError::Forbidden);
    }
    let note = n.note.trim();
    if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::Invalid(format!(
            "请填写进展说明（最多 {MAX_NOTE_CHARS} 字）"
        )));
    }
    let day = chrono::NaiveDate::parse_from_str(n.on_day.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid("日期应为 年-月-日，如 2026-05-20".into()))?;
    let links: Vec<String> = n
        .links
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if links.len() > MAX_NOTE_LINKS {
        return Err(AppError::Invalid(format!(
            "最多关联 {MAX_NOTE_LINKS} 条活动记录"
        )));
    }
    let org = &scope.branch.id;
    let mut tx = db.begin_write().await?;
    open(&mut tx, org, n.year).await?;
    let (version, title) = task_of(&mut tx, org, n.year, n.task_id).await?;
    for id in &links {
        let ours: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE id = $1 AND org_id = $2")
                .bind(id)
                .bind(org)
                .fetch_one(&mut *tx)
                .await?;
        if ours == 0 {
            return Err(AppError::Invalid(format!("活动记录“{id}”不是本组织的")));
        }
    }
    sqlx::query(
        "INSERT INTO plan_progress (id, org_id, year, task_id, on_day, note, links, by_user, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(org)
    .bind(n.year)
    .bind(n.task_id)
    .bind(day.to_string())
    .bind(note)
    .bind(serde_json::to_string(&links).map_err(|_| AppError::Internal)?)
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let step = Step {
        act: "progress",
        note: &format!("{title}：{day}"),
        version,
    };
    trail(&mut tx, org, n.year, step, viewer, now).await?;
    tx.commit().await?;
    Ok(())
}
