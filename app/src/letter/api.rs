//! Server functions of the commitment letters: thin adapters over `server`.

use super::{LetterView, PublicLetter};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::server::viewer_context as context;

/// The letter of `org_id` (a branch, or a school for its 总支) for `year` (this year when left
/// out): whoever reads the organisation's rating reads it.
#[server(endpoint = "letter")]
pub async fn load_letter(org_id: String, year: Option<i32>) -> Result<LetterView, AppError> {
    let (state, viewer) = context().await?;
    super::server::view(&state.db, &viewer, &org_id, year, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// The organisers save the letter, and with `submit` submit it to the 总支.
#[server(endpoint = "letter_save")]
pub async fn save_letter(
    org_id: String,
    year: i32,
    title: String,
    body: String,
    submit: Option<String>,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::save(
        &state.db,
        &viewer,
        &org_id,
        year,
        (&title, &body),
        submit.is_some_and(|s| s != "false"),
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/letter?year={year}"));
    Ok(())
}

/// The 总支 approves a submitted letter, or returns it with a comment.
#[server(endpoint = "letter_decide")]
pub async fn decide_letter(
    org_id: String,
    year: i32,
    approve: bool,
    comment: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::server::decide(
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
    leptos_axum::redirect(&format!("/branch/{org_id}/letter?year={year}"));
    Ok(())
}

/// The organisers publish an approved letter; returns its public page's path.
#[server(endpoint = "letter_publish")]
pub async fn publish_letter(org_id: String, year: i32) -> Result<String, AppError> {
    let (state, viewer) = context().await?;
    let path = super::server::publish(&state.db, &viewer, &org_id, year, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{org_id}/letter?year={year}"));
    Ok(path)
}

/// A published letter, for anyone (no account).
#[server(endpoint = "letter_public")]
pub async fn load_public_letter(token: String) -> Result<PublicLetter, AppError> {
    let state = crate::state::app_state()?;
    let headers: http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
    let origin = crate::survey::server::origin_of(&state.config, &headers);
    super::public::public(&state.db, &token, &origin, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// Anyone leaves feedback on a published letter: no account; `stamp` is the form's, `website`
/// the field a person leaves empty. Counted against the address's limit.
#[server(endpoint = "letter_feedback_send")]
pub async fn send_feedback(
    token: String,
    body: String,
    stamp: String,
    website: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::limits::Bucket;
    let state = crate::state::app_state()?;
    let now = crate::db::now_ms();
    let client = crate::guard::ClientAddr::of_context(&state.config.trusted_proxies);
    crate::guard::count(
        &state.db,
        &state.config.limits,
        Bucket::FeedbackAddress,
        &client.0,
        now,
    )
    .await
    .map_err(AppError::respond)?;
    let sent = super::feedback::Sent {
        token: &token,
        body: &body,
        stamp: &stamp,
        trap: website.as_deref().unwrap_or(""),
    };
    super::feedback::send(&state.db, &sent, now)
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!(
        "{}?sent=1#feedback",
        super::server::public_path(&token)
    ));
    Ok(())
}

/// The organisers reply to a feedback (a changed reply awaits approval again).
#[server(endpoint = "letter_feedback_reply")]
pub async fn reply_feedback(id: String, reply: String) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::feedback::reply(&state.db, &viewer, &id, &reply, crate::db::now_ms())
        .await
        .map_err(AppError::respond)
}

/// The 总支 shows or hides a feedback on the public page (`part`: `feedback` or `reply`).
#[server(endpoint = "letter_feedback_decide")]
pub async fn decide_feedback(id: String, part: String, show: bool) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let reply = match part.as_str() {
        "feedback" => false,
        "reply" => true,
        _ => return Err(AppError::Invalid("part 应为 feedback 或 reply".into()).respond()),
    };
    super::feedback::decide(&state.db, &viewer, &id, reply, show)
        .await
        .map_err(AppError::respond)
}

/// A member (or secretary) writes their own commitment for `year` and submits it to the
/// branch: `with_post` for 有职党员（岗位承诺）, else 无职党员（设岗定责）.
#[server(endpoint = "pledge_save")]
pub async fn save_pledge(
    year: i32,
    with_post: Option<String>,
    post: String,
    pledge: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    let p = super::pledge::Pledge {
        year,
        with_post: with_post.is_some_and(|s| s != "false"),
        post: &post,
        pledge: &pledge,
    };
    super::pledge::submit(&state.db, &viewer, &p, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/branch/{}/letter?year={year}", viewer.org_id));
    Ok(())
}

/// The branch's organisers approve a member's commitment, or return it with a comment.
#[server(endpoint = "pledge_decide")]
pub async fn decide_pledge(
    user_id: String,
    year: i32,
    approve: bool,
    comment: String,
) -> Result<(), AppError> {
    let (state, viewer) = context().await?;
    super::pledge::decide(
        &state.db,
        &viewer,
        &user_id,
        year,
        approve,
        &comment,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)
}
