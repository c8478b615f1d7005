//! Server functions of the annual plan: thin adapters over `server`.

use super::{PlanForm, PlanView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

/// The plan of `org_id` (a branch, or a school for its 总支) for `year` (this year when left
/// out): whoever reads the organisation's rating reads it.
#[server(endpoint = "plan")]
pub async fn load_plan(org_id: String, year: Option<i32>) -> Result<PlanView, AppError> {
    let (state, viewer) = context().await?;
    super::server::view(&state.db, &viewer, &org_id, year, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// The organisers save the plan's words, and with `submit` submit them to the 总支.
#[server(endpoint = "plan_save")]
pub async fn save_plan(
    org_id: String,
    year: i32,
    form: PlanForm,
    submit: Option<String>,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let content = form
        .content(|| uuid::Uuid::now_v7().to_string())
        .map_err(|m| AppError::Invalid(m).respond())?;
    super::server::write::save(
        &state.db,
        &viewer,
        &org_id,
        year,
        content,
        submit.is_some_and(|s| s != "false"),
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/plan?year={year}"));
    Ok(())
}

/// The 总支 approves a submitted plan, or returns it with a comment.
#[server(endpoint = "plan_decide")]
pub async fn decide_plan(
    org_id: String,
    year: i32,
    approve: bool,
    comment: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::write::decide(
        &state.db,
        &viewer,
        &org_id,
        year,
        approve,
        &comment,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/plan?year={year}"));
    Ok(())
}

/// The organisers set a task's status: not_started, in_progress or done.
#[server(endpoint = "plan_task_status")]
pub async fn set_task_status(
    org_id: String,
    year: i32,
    task_id: String,
    status: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let status = crate::domain::plan::TaskStatus::parse(&status)
        .ok_or_else(|| AppError::Invalid("请选择任务状态".into()).respond())?;
    super::server::write::set_status(
        &state.db,
        &viewer,
        &org_id,
        year,
        &task_id,
        status,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/plan?year={year}#task-{task_id}"));
    Ok(())
}

/// The organisers add a dated progress note to a task, with links to their activity records.
#[server(endpoint = "plan_task_note")]
pub async fn add_task_note(
    org_id: String,
    year: i32,
    task_id: String,
    on_day: String,
    note: String,
    links: Option<String>,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let n = super::server::write::NewNote {
        org_id: &org_id,
        year,
        task_id: &task_id,
        on_day: &on_day,
        note: &note,
        links: links.as_deref().unwrap_or(""),
    };
    super::server::write::add_note(&state.db, &viewer, &n, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/plan?year={year}#task-{task_id}"));
    Ok(())
}
