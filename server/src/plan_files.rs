//! Photos and documents of a plan task's progress: the upload (a plain multipart form on the
//! plan page, so it works without JavaScript) and the file, to whoever reads the plan.

use app::auth::server::Viewer;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

/// `POST /branch/{id}/plan/{year}/tasks/{task}/files` (multipart: `file`): back to the plan
/// with the outcome.
pub async fn upload(
    State(state): State<AppState>,
    Path((id, year, task)): Path<(String, i32, String)>,
    Viewer(viewer): Viewer,
    mut form: axum::extract::Multipart,
) -> Response {
    let back = |outcome: &str| {
        // The task id goes back into a URL only once it is known to be the plan's.
        Redirect::to(&format!("/branch/{id}/plan?year={year}&file={outcome}")).into_response()
    };
    let mut bytes = Vec::new();
    let mut name = String::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                name = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(b) => bytes = b.to_vec(),
                    Err(_) => return back("too_big"),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back("too_big"),
        }
    }
    let u = app::plan::server::photos::Upload {
        org_id: &id,
        year,
        task_id: &task,
        name: &name,
        bytes: &bytes,
    };
    match app::plan::server::photos::add(&state.db, &state.config, &viewer, &u, app::db::now_ms())
        .await
    {
        Ok(_) => back("saved"),
        Err(app::error::AppError::Invalid(message)) => back(if message.contains("10 MB") {
            "too_big"
        } else if message.contains("只支持") {
            "wrong_type"
        } else {
            "refused"
        }),
        Err(e) => e.into_response(),
    }
}

/// `GET /plan-files/{id}`: a file of a task's progress, to whoever reads the plan.
pub async fn serve_file(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Viewer(viewer): Viewer,
) -> Response {
    match app::plan::server::photos::file(&state.db, &state.config, &viewer, &id).await {
        Ok((name, content_type, path)) => {
            crate::rating::send_file(&name, &content_type, &path).await
        }
        Err(e) => e.into_response(),
    }
}
