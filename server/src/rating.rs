//! `GET /api/v1/orgs/{id}/rating?year=YYYY`: a branch's rating as JSON — stars, level, every
//! criterion with its state and figures, last year's level, 晋位升级 and the targets — checked
//! like the page (the branch's readers and its own members).

use app::auth::server::Viewer;
use app::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct RatingQuery {
    /// The rating year; the current year when left out.
    pub year: Option<i32>,
}

/// A branch's rating of a year.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{id}/rating",
    tag = "rating",
    params(("id" = String, Path, description = "The branch's id"), RatingQuery),
    responses(
        (status = 200, description = "The rating: `rating.stars`, `rating.level` (lagging, average, advanced, red_flag), `rating.indicators[].criteria[]` each with `state` (met, not_met, pending, awaiting_evidence, awaiting_approval), `figure`, `detail`, `next_step`; `rating.red_flag[]`; `last_year`, `trend` (up, same, down) and `targets[]`", content_type = "application/json"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a reader of this branch"),
        (status = 404, description = "No such branch"),
        (status = 422, description = "A year outside the years xingqi shows"),
    )
)]
pub async fn rating(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(id): Path<String>,
    Query(query): Query<RatingQuery>,
) -> Response {
    match app::rating::server::report_json(
        &state.db,
        &viewer,
        &state.config,
        &id,
        query.year,
        app::db::now_ms(),
    )
    .await
    {
        Ok(r) => Json(r).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /rating/archive.xlsx?year=YYYY`: the year's rating of every branch the viewer reads,
/// one sheet per branch.
pub async fn archive(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Query(query): Query<RatingQuery>,
) -> Response {
    match app::rating::server::archive::archive_xlsx(
        &state.db,
        &viewer,
        &state.config,
        query.year,
        app::db::now_ms(),
    )
    .await
    {
        Ok((name, bytes)) => (
            [
                (
                    http::header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (
                    http::header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"rating.xlsx\"; filename*=UTF-8''{}",
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

/// The body limit of an evidence upload: one file.
pub const UPLOAD_LIMIT: usize = app::rating::server::files::MAX_FILE_BYTES + 64 * 1024;

/// `POST /branch/{id}/rating/{year}/evidence/{criterion}/files` (multipart: `file`): a plain
/// form on the rating page, so it works without JavaScript; back to the page with the outcome.
pub async fn upload(
    State(state): State<AppState>,
    Path((id, year, criterion)): Path<(String, i32, String)>,
    Viewer(viewer): Viewer,
    mut form: axum::extract::Multipart,
) -> Response {
    let back = |outcome: &str| {
        axum::response::Redirect::to(&format!(
            "/branch/{id}/rating?year={year}&file={outcome}#ev-{criterion}-h"
        ))
        .into_response()
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
    match app::rating::server::files::add_file(
        &state.db,
        &state.config,
        &viewer,
        &id,
        year,
        &criterion,
        &name,
        &bytes,
        app::db::now_ms(),
    )
    .await
    {
        Ok(_) => back("saved"),
        Err(app::error::AppError::Invalid(message)) => {
            let code = if message.contains("10 MB") {
                "too_big"
            } else if message.contains("只支持") {
                "wrong_type"
            } else if message.contains("请选择") {
                "empty"
            } else {
                "refused"
            };
            back(code)
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /evidence-files/{id}`: a file of an evidence, to whoever reads the branch's rating.
pub async fn serve_file(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Viewer(viewer): Viewer,
) -> Response {
    match app::rating::server::files::file(&state.db, &state.config, &viewer, &id).await {
        Ok((name, content_type, path)) => send_file(&name, &content_type, &path).await,
        Err(e) => e.into_response(),
    }
}

/// A kept file as its readers get it: photos shown in the page, documents downloaded, cached
/// privately (its id never names other content).
pub async fn send_file(name: &str, content_type: &str, path: &std::path::Path) -> Response {
    let Ok(bytes) = tokio::fs::read(path).await else {
        tracing::error!(path = %path.display(), "a kept file is missing");
        return app::error::AppError::NotFound.into_response();
    };
    let disposition = if content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    (
        [
            (http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                http::header::CONTENT_DISPOSITION,
                format!(
                    "{disposition}; filename=\"evidence\"; filename*=UTF-8''{}",
                    app::auth::server::urlencode(name)
                ),
            ),
            (
                http::header::CACHE_CONTROL,
                "private, max-age=86400, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response()
}
