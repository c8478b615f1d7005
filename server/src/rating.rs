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
