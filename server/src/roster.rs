//! The roster's plain HTTP parts: the file upload of an import (multipart, so it works
//! without JavaScript) and the form with which an invited member sets a first password.

use app::auth::server::{Password, Viewer};
use app::domain::limits::Bucket;
use app::error::AppError;
use app::roster::server::{MAX_FILE_BYTES, accept_invite, preview};
use app::state::AppState;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// `POST /branch/{id}/members/import` (multipart: `file`): checks the file and shows the preview.
pub async fn upload(
    State(state): State<AppState>,
    Path(branch): Path<String>,
    Viewer(viewer): Viewer,
    mut form: Multipart,
) -> Response {
    let back = |message: &str| {
        Redirect::to(&format!(
            "/branch/{branch}/members?import_error={}",
            app::auth::server::urlencode(message)
        ))
        .into_response()
    };
    // Who may import is decided before a byte of the file is read.
    if let Err(e) = app::org::server::organised_branch(&state.db, &viewer, &branch).await {
        return e.into_response();
    }
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("名单.csv").to_owned();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b)),
                    Err(_) => return back("文件太大（最多 2 MB）"),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back("文件太大（最多 2 MB）"),
        }
    }
    let Some((name, bytes)) = file else {
        return back("请选择要导入的文件");
    };
    match preview(
        &state.db,
        &viewer,
        &branch,
        &name,
        &bytes,
        app::db::now_ms(),
    )
    .await
    {
        Ok(id) => Redirect::to(&format!("/branch/{branch}/members/import/{id}")).into_response(),
        Err(AppError::Invalid(message)) => back(&message),
        Err(e) => e.into_response(),
    }
}

/// `GET /branch/{id}/members/template.xlsx`: the roster template, for the branch's organisers.
pub async fn template(
    State(state): State<AppState>,
    Path(branch): Path<String>,
    Viewer(viewer): Viewer,
) -> Response {
    match app::roster::server::template_xlsx(&state.db, &viewer, &branch).await {
        Ok((name, bytes)) => (
            [
                (
                    http::header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (
                    http::header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"roster-template.xlsx\"; filename*=UTF-8''{}",
                        app::auth::server::urlencode(&name)
                    ),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct InviteForm {
    pub username: String,
    pub code: String,
    pub password: Password,
    pub confirm: Password,
}

/// `POST /auth/invite`: sets the first password, then the member signs in as usual.
pub async fn accept(
    State(state): State<AppState>,
    client: app::guard::ClientAddr,
    Form(form): Form<InviteForm>,
) -> Response {
    let back = |code: &str| Redirect::to(&format!("/invite?error={code}")).into_response();
    let limits = &state.config.limits;
    let now = app::db::now_ms();
    match app::guard::count(&state.db, limits, Bucket::InviteAddress, &client.0, now).await {
        Ok(()) => {}
        Err(AppError::TooMany(wait)) => return app::guard::too_many_page(wait, "/invite"),
        Err(e) => return e.into_response(),
    }
    if let Some(weak) = form.password.weakness(&[form.username.as_str()]) {
        return back(weak.code());
    }
    if !form.password.same_as(&form.confirm) {
        return back("mismatch");
    }
    match accept_invite(&state.db, &form.username, &form.code, form.password, now).await {
        Ok(()) => Redirect::to("/login?activated=1").into_response(),
        Err(AppError::Invalid(_)) => back("invalid"),
        Err(e) => e.into_response(),
    }
}
