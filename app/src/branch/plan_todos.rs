//! What the annual plan puts on a to-do list: its overdue rectification tasks, and what the
//! 争创活动's current phase asks for until it is answered (查找问题: the plan submitted;
//! 公开承诺: the letter published). Read straight
//! from the plan's tables (the plan's pages sit above this layer).

use crate::db::Db;
use crate::domain::drive::{Drive, PhaseKind, Place};
use crate::domain::plan::{PlanContent, PlanState, Progress, Task, TaskStatus, overdue, progress};
use crate::domain::todo::{Todo, Urgency};
use crate::error::AppError;
use chrono::NaiveDate;

/// The to-do lines of `org_id`'s plan of `today`'s year, and the 争创活动's phase line unless
/// the plan already answers it.
/// A plan as the lists read it: its state, and each task with its status.
pub struct PlanTasks {
    pub state: PlanState,
    pub tasks: Vec<(Task, TaskStatus)>,
}

impl PlanTasks {
    /// Tasks done, due within [`DUE_SOON_DAYS`], overdue, of all, on `today`.
    pub fn progress(&self, today: NaiveDate) -> Progress {
        let pairs: Vec<_> = self.tasks.iter().map(|(t, s)| (*s, t.deadline)).collect();
        progress(&pairs, today, DUE_SOON_DAYS)
    }
}

/// Tasks due within this many days count as due soon.
pub const DUE_SOON_DAYS: i64 = 30;

/// The current words of `org_id`'s plan of `year` with its tasks' statuses, if it has one.
pub async fn plan_tasks(db: &Db, org_id: &str, year: i32) -> Result<Option<PlanTasks>, AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT p.state, v.content FROM plans p JOIN plan_versions v \
           ON v.org_id = p.org_id AND v.year = p.year AND v.version = p.version \
         WHERE p.org_id = $1 AND p.year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_optional(db.pool())
    .await?;
    let Some((state, json)) = row else {
        return Ok(None);
    };
    let content: PlanContent = serde_json::from_str(&json).map_err(|_| AppError::Internal)?;
    let statuses: Vec<(String, String)> = sqlx::query_as(
        "SELECT task_id, status FROM plan_task_status WHERE org_id = $1 AND year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let tasks = content
        .tasks
        .into_iter()
        .map(|t| {
            let status = statuses
                .iter()
                .find(|(id, _)| *id == t.id)
                .and_then(|(_, s)| TaskStatus::parse(s))
                .unwrap_or_default();
            (t, status)
        })
        .collect();
    Ok(Some(PlanTasks {
        state: PlanState::parse(&state).unwrap_or(PlanState::Draft),
        tasks,
    }))
}

/// The to-do lines of `org_id`'s plan of `today`'s year, and the 争创活动's phase line unless
/// the plan already answers it.
pub async fn plan_todos(
    db: &Db,
    org_id: &str,
    drive: Option<&Drive>,
    today: NaiveDate,
) -> Result<Vec<Todo>, AppError> {
    let year = chrono::Datelike::year(&today);
    let href = format!("/branch/{org_id}/plan?year={year}");
    let plan = plan_tasks(db, org_id, year).await?;
    let mut out = Vec::new();
    let plan_in = plan
        .as_ref()
        .is_some_and(|p| matches!(p.state, PlanState::Submitted | PlanState::Approved));
    if let Some(drive) = drive {
        let kind = match drive.at(today) {
            Place::In { phase, .. } => Some(phase.kind),
            _ => None,
        };
        // What the phase asks for is answered: the plan submitted (查找问题), the letter
        // published (公开承诺).
        let answered = match kind {
            Some(PhaseKind::FindProblems) => plan_in,
            Some(PhaseKind::Commit) => letter_published(db, org_id, year).await?,
            _ => false,
        };
        if !answered {
            out.extend(crate::domain::todo::drive_phase(drive, today).map(|mut t| {
                t.href = match kind {
                    Some(PhaseKind::FindProblems | PhaseKind::Rectify) => Some(href.clone()),
                    Some(PhaseKind::Commit) => Some(format!("/branch/{org_id}/letter?year={year}")),
                    Some(PhaseKind::Rating) => Some(format!("/branch/{org_id}/rating?year={year}")),
                    None => None,
                };
                t
            }));
        }
    }
    for (task, status) in plan.iter().flat_map(|p| &p.tasks) {
        if overdue(*status, task.deadline, today) {
            out.push(Todo {
                urgency: Urgency::Missed,
                text: format!(
                    "整改任务“{}”已逾期（完成期限 {}，责任人 {}）",
                    task.title, task.deadline, task.owner
                ),
                href: Some(format!("{href}#task-{}", task.id)),
            });
        }
    }
    Ok(out)
}

/// Whether `org_id`'s commitment letter of `year` is public.
async fn letter_published(db: &Db, org_id: &str, year: i32) -> Result<bool, AppError> {
    let published: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM letters WHERE org_id = $1 AND year = $2 \
         AND published_version IS NOT NULL",
    )
    .bind(org_id)
    .bind(year)
    .fetch_one(db.pool())
    .await?;
    Ok(published > 0)
}

/// The 总支's to-do lines about plans and letters: what the 争创活动's phase asks of the 总支
/// itself and its own plan's overdue tasks, each branch's overdue tasks, and the plans and
/// letters waiting for its approval. `branches`: (id, name).
pub async fn general_todos(
    db: &Db,
    school_id: &str,
    branches: &[(&str, &str)],
    today: NaiveDate,
) -> Result<Vec<Todo>, AppError> {
    let year = chrono::Datelike::year(&today);
    let drive = crate::drive::server::of_org(db, school_id)
        .await?
        .map(|(d, _)| d);
    let mut out = plan_todos(db, school_id, drive.as_ref(), today).await?;
    for (id, name) in branches {
        for mut t in plan_todos(db, id, None, today).await? {
            t.text = format!("{name}：{}", t.text);
            out.push(t);
        }
        for (table, what, page) in [
            ("plans", "年度争创方案", "plan"),
            ("letters", "承诺书", "letter"),
        ] {
            let waiting: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM {table} WHERE org_id = $1 AND year = $2 \
                 AND state = 'submitted'"
            )))
            .bind(*id)
            .bind(year)
            .fetch_one(db.pool())
            .await?;
            if waiting > 0 {
                out.push(Todo {
                    urgency: Urgency::Open,
                    text: format!("{name}的{what}已提交，等待总支审批"),
                    href: Some(format!("/branch/{id}/{page}?year={year}")),
                });
            }
        }
    }
    Ok(out)
}
