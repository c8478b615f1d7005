//! What the annual plan puts on a to-do list: its overdue rectification tasks, and — while the
//! 争创活动 asks for the plan (查找问题) — the plan itself until it is submitted. Read straight
//! from the plan's tables (the plan's pages sit above this layer).

use crate::db::Db;
use crate::domain::drive::{Drive, PhaseKind, Place};
use crate::domain::plan::{PlanContent, TaskStatus, overdue};
use crate::domain::todo::{Todo, Urgency};
use crate::error::AppError;
use chrono::NaiveDate;

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
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT p.state, v.content FROM plans p JOIN plan_versions v \
           ON v.org_id = p.org_id AND v.year = p.year AND v.version = p.version \
         WHERE p.org_id = $1 AND p.year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_optional(db.pool())
    .await?;
    let mut out = Vec::new();
    let plan_in = row
        .as_ref()
        .is_some_and(|(state, _)| state == "submitted" || state == "approved");
    if let Some(drive) = drive {
        let asks_for_plan = matches!(
            drive.at(today),
            Place::In { phase, .. } if phase.kind == PhaseKind::FindProblems
        );
        if !(asks_for_plan && plan_in) {
            out.extend(crate::domain::todo::drive_phase(drive, today).map(|mut t| {
                if asks_for_plan {
                    t.href = Some(href.clone());
                }
                t
            }));
        }
    }
    let Some((_, json)) = row else {
        return Ok(out);
    };
    let content: PlanContent = serde_json::from_str(&json).map_err(|_| AppError::Internal)?;
    let done: Vec<(String, String)> = sqlx::query_as(
        "SELECT task_id, status FROM plan_task_status WHERE org_id = $1 AND year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    for task in &content.tasks {
        let status = done
            .iter()
            .find(|(id, _)| *id == task.id)
            .and_then(|(_, s)| TaskStatus::parse(s))
            .unwrap_or_default();
        if overdue(status, task.deadline, today) {
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
