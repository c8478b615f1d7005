//! The server side of the annual plan (feature `ssr`): this file reads a plan's page;
//! [`write`] saves, submits, decides, and keeps the tasks' status and progress. Who may read and
//! change is the rating's rule ([`crate::rating::server::reading`]): whoever reads the
//! organisation's rating reads its plan, its organisers write it, whoever decides its evidence
//! approves it.

pub mod photos;
pub mod write;

use super::{NoteView, PlanRecord, PlanView, TaskView, TrailLine};
use crate::auth::CurrentUser;
use crate::branch::plan_todos::DUE_SOON_DAYS;
use crate::db::Db;
use crate::domain::plan::{
    PlanContent, PlanState, SEED_TASKS, Task, TaskStatus, overdue, progress,
};
use crate::domain::time::{date_of, format_full};
use crate::error::AppError;
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
pub(super) struct PlanRow {
    pub state: String,
    pub version: i64,
    pub approved_version: Option<i64>,
    pub comment: String,
    pub updated_by: String,
    pub updated_at: i64,
}

pub(super) async fn plan_row(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    year: i32,
) -> Result<Option<PlanRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT p.state, p.version, p.approved_version, p.comment, u.display_name AS updated_by, \
         p.updated_at FROM plans p JOIN users u ON u.id = p.updated_by \
         WHERE p.org_id = $1 AND p.year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The words of one version.
pub(super) async fn content_of(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    year: i32,
    version: i64,
) -> Result<PlanContent, AppError> {
    let json: String = sqlx::query_scalar(
        "SELECT content FROM plan_versions WHERE org_id = $1 AND year = $2 AND version = $3",
    )
    .bind(org_id)
    .bind(year)
    .bind(version)
    .fetch_one(&mut *conn)
    .await?;
    serde_json::from_str(&json).map_err(|e| {
        tracing::error!(error = %e, org = org_id, year, "unreadable plan");
        AppError::Internal
    })
}

/// The seed's shape of a new plan: its four tasks, due by the end of November.
fn seed(year: i32) -> PlanContent {
    let deadline = chrono::NaiveDate::from_ymd_opt(year, 11, 30).unwrap_or_default();
    PlanContent {
        target_level: "advanced".into(),
        tasks: SEED_TASKS
            .iter()
            .enumerate()
            .map(|(i, t)| Task {
                id: format!("seed-{}", i + 1),
                title: (*t).to_owned(),
                measures: String::new(),
                owner: String::new(),
                deadline,
            })
            .collect(),
        ..PlanContent::default()
    }
}

/// The tasks' statuses of a plan, by task id.
pub async fn statuses(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<HashMap<String, TaskStatus>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT task_id, status FROM plan_task_status WHERE org_id = $1 AND year = $2",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, s)| TaskStatus::parse(&s).map(|s| (id, s)))
        .collect())
}

async fn notes(
    db: &Db,
    org_id: &str,
    year: i32,
) -> Result<HashMap<String, Vec<NoteView>>, AppError> {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT n.task_id, n.on_day, n.note, n.links, u.display_name FROM plan_progress n \
         JOIN users u ON u.id = n.by_user WHERE n.org_id = $1 AND n.year = $2 \
         ORDER BY n.on_day DESC, n.at DESC",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let mut out: HashMap<String, Vec<NoteView>> = HashMap::new();
    for (task, on_day, note, links, by) in rows {
        let ids: Vec<String> = serde_json::from_str(&links).unwrap_or_default();
        let mut linked = Vec::new();
        for id in ids {
            let label: Option<(String, i64)> =
                sqlx::query_as("SELECT topic, starts_at FROM activities WHERE id = $1")
                    .bind(&id)
                    .fetch_optional(db.pool())
                    .await?;
            if let Some((topic, at)) = label {
                linked.push((
                    id,
                    format!("{} {topic}", crate::domain::time::format_date(at)),
                ));
            }
        }
        out.entry(task).or_default().push(NoteView {
            on_day,
            note,
            links: linked,
            by,
        });
    }
    Ok(out)
}

async fn trail(db: &Db, org_id: &str, year: i32) -> Result<Vec<TrailLine>, AppError> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT t.at, u.display_name, t.act, t.note, t.version FROM plan_trail t \
         JOIN users u ON u.id = t.by_user WHERE t.org_id = $1 AND t.year = $2 \
         ORDER BY t.at DESC, t.id DESC",
    )
    .bind(org_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, who, act, note, version)| TrailLine {
            at: format_full(at),
            who,
            act: write::act_label(&act).to_owned(),
            note,
            version,
        })
        .collect())
}

/// The plan of `org_id` (a branch, or a school for its 总支) for `year` as `viewer` may see it.
pub async fn view(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    year: Option<i32>,
    now: i64,
) -> Result<PlanView, AppError> {
    let scope = crate::rating::server::reading(db, viewer, org_id).await?;
    let year = crate::rating::server::rating_year(year, now)?;
    let org = &scope.branch;
    let mut conn = db.pool().acquire().await?;
    let row = plan_row(&mut conn, &org.id, year).await?;
    let (content, approved) = match &row {
        Some(r) => {
            let content = content_of(&mut conn, &org.id, year, r.version).await?;
            let approved = match r.approved_version {
                Some(v) if v != r.version => Some(content_of(&mut conn, &org.id, year, v).await?),
                _ => None,
            };
            (content, approved)
        }
        None => (seed(year), None),
    };
    drop(conn);
    let today = date_of(now).unwrap_or_default();
    let (statuses, mut notes, files) = if row.is_some() {
        (
            statuses(db, &org.id, year).await?,
            notes(db, &org.id, year).await?,
            photos::of_plan(db, &org.id, year).await?,
        )
    } else {
        (HashMap::new(), HashMap::new(), Vec::new())
    };
    let tasks: Vec<TaskView> = if row.is_some() {
        content
            .tasks
            .iter()
            .map(|t| {
                let status = statuses.get(&t.id).copied().unwrap_or_default();
                TaskView {
                    overdue: overdue(status, t.deadline, today),
                    status,
                    notes: notes.remove(&t.id).unwrap_or_default(),
                    files: files
                        .iter()
                        .filter(|(task, _, _)| *task == t.id)
                        .map(|(_, id, name)| (id.clone(), name.clone()))
                        .collect(),
                    task: t.clone(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let pairs: Vec<_> = tasks.iter().map(|t| (t.status, t.task.deadline)).collect();
    Ok(PlanView {
        viewer: viewer.clone(),
        org_id: org.id.clone(),
        org_name: org.name.clone(),
        year,
        general: scope.general,
        may_edit: scope.may_submit,
        may_decide: scope.may_decide,
        record: row.map(|r| PlanRecord {
            state: PlanState::parse(&r.state).unwrap_or(PlanState::Draft),
            version: r.version,
            approved_version: r.approved_version,
            comment: r.comment,
            updated: format!("{} 于 {} 保存", r.updated_by, format_full(r.updated_at)),
        }),
        content,
        approved,
        progress: progress(&pairs, today, DUE_SOON_DAYS),
        tasks,
        trail: trail(db, &org.id, year).await?,
    })
}
