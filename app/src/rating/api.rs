//! Server functions of the rating: thin adapters over `server`.

use super::RatingView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

/// A branch's rating of `year` (the current year when left out): its organisers, its school's
/// admin, the bureau above and the branch's own members read it.
#[server(endpoint = "rating")]
pub async fn load_rating(org_id: String, year: Option<i32>) -> Result<RatingView, AppError> {
    let (state, viewer) = context().await?;
    super::server::view(
        &state.db,
        &viewer,
        &state.config,
        &org_id,
        year,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The branch saves the evidence of an attested criterion (`links`: ids of its own
/// activities, separated by spaces or commas), and submits it to the 总支 with `submit`.
#[server(endpoint = "rating_evidence_save")]
pub async fn save_evidence(
    org_id: String,
    year: i32,
    criterion: String,
    body: String,
    links: Option<String>,
    submit: Option<String>,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let evidence = super::server::write::NewEvidence {
        org_id: &org_id,
        year,
        criterion: &criterion,
        body: &body,
        links: links.as_deref().unwrap_or(""),
        submit: submit.is_some_and(|s| s != "false"),
    };
    super::server::write::save_evidence(
        &state.db,
        &viewer,
        &state.config,
        &evidence,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The 总支 approves submitted evidence, or returns it with a comment.
#[server(endpoint = "rating_evidence_decide")]
pub async fn decide_evidence(
    org_id: String,
    year: i32,
    criterion: String,
    approve: bool,
    comment: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::write::decide_evidence(
        &state.db,
        &viewer,
        &org_id,
        year,
        &criterion,
        approve,
        &comment,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The 总支 records an honour (表彰) of a branch: its date decides the year it counts for.
#[server(endpoint = "rating_honour_add")]
pub async fn add_honour(
    org_id: String,
    awarded_on: String,
    level: String,
    title: String,
    issuer: String,
    evidence: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let honour = super::server::registers::NewHonour {
        org_id: &org_id,
        awarded_on: &awarded_on,
        level: &level,
        title: &title,
        issuer: &issuer,
        evidence: &evidence,
    };
    super::server::registers::add_honour(&state.db, &viewer, &honour, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// The 总支 records a violation (违纪违法) in a branch: by a member (`user_id`) or a person
/// named; `committee` when they sat on the committee (taken from the roster for a member).
#[server(endpoint = "rating_violation_add")]
pub async fn add_violation(
    org_id: String,
    occurred_on: String,
    user_id: Option<String>,
    person: Option<String>,
    committee: Option<String>,
    note: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let v = super::server::registers::NewViolation {
        org_id: &org_id,
        occurred_on: &occurred_on,
        user_id: user_id.as_deref().filter(|s| !s.is_empty()),
        person: person.as_deref().unwrap_or(""),
        committee: committee.is_some_and(|s| s != "false"),
        note: &note,
    };
    super::server::registers::add_violation(&state.db, &viewer, &v, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// The 总支 enters a branch's 班子年度测评 (excellent, good, fair, poor — or 优秀/良好/一般/差).
#[server(endpoint = "rating_evaluation_set")]
pub async fn set_evaluation(org_id: String, year: i32, grade: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::registers::set_evaluation(
        &state.db,
        &viewer,
        &org_id,
        year,
        &grade,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The 总支 enters a committee member's annual 考核 (excellent, competent,
/// basically_competent, incompetent — or 优秀/称职/基本称职/不称职).
#[server(endpoint = "rating_assessment_set")]
pub async fn set_assessment(user_id: String, year: i32, grade: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::registers::set_assessment(
        &state.db,
        &viewer,
        &user_id,
        year,
        &grade,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The 总支 enters a branch's level for a year before xingqi was used (red_flag, advanced,
/// average, lagging — or 红旗/先进/一般/后进), so 晋位升级 is judged in the first year.
#[server(endpoint = "rating_baseline_set")]
pub async fn set_baseline(org_id: String, year: i32, level: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::registers::set_baseline(
        &state.db,
        &viewer,
        &org_id,
        year,
        &level,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The 总支 sets a branch's target: a level by a deadline (YYYY-MM-DD).
#[server(endpoint = "rating_target_set")]
pub async fn set_target(org_id: String, level: String, deadline: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::targets::set_target(
        &state.db,
        &viewer,
        &org_id,
        &level,
        &deadline,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}

/// The 总支 removes a target of a branch.
#[server(endpoint = "rating_target_remove")]
pub async fn remove_target(org_id: String, id: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::targets::remove_target(&state.db, &viewer, &org_id, &id)
        .await
        .map_err(AppError::respond)
}

/// Every branch the viewer reads, side by side: stars, level, target, participation,
/// satisfaction, and what awaits the 总支's approval.
#[server(endpoint = "rating_overview")]
pub async fn load_overview(year: Option<i32>) -> Result<super::RatingOverview, AppError> {
    let (state, viewer) = context().await?;
    super::server::overview::overview(&state.db, &viewer, &state.config, year, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}
