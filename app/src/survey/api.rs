//! Server functions of the survey pages: thin adapters over [`super::server`].

use super::{CampaignForm, CampaignInfo, CampaignResults, SlipSheet};
use crate::auth::CurrentUser;
use crate::domain::ballot::Audience;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The campaigns the signed-in organiser runs, and the organisations they may start one for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyList {
    pub viewer: CurrentUser,
    pub campaigns: Vec<CampaignInfo>,
    pub orgs: Vec<(String, String)>,
}

#[server(endpoint = "survey_list")]
pub async fn load_surveys() -> Result<SurveyList, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    let db = &state.db;
    let orgs = super::server::runnable_orgs(db, &viewer)
        .await
        .map_err(AppError::respond)?;
    let campaigns = super::server::campaigns(db, &viewer)
        .await
        .map_err(AppError::respond)?;
    Ok(SurveyList {
        viewer,
        campaigns,
        orgs,
    })
}

#[server(endpoint = "survey_results")]
pub async fn load_results(campaign_id: String) -> Result<CampaignResults, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    let mut results = super::server::results(&state.db, &viewer, &campaign_id, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    results.origin = request_origin(&state).await;
    Ok(results)
}

/// `scheme://host` of the request, for absolute links in QR codes.
#[cfg(feature = "ssr")]
async fn request_origin(state: &crate::state::AppState) -> String {
    let headers: http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
    super::server::origin_of(&state.config, &headers)
}

#[server(endpoint = "survey_slips")]
pub async fn load_slips(campaign_id: String) -> Result<SlipSheet, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    let (info, slips) = super::server::invite_slips(&state.db, &viewer, &campaign_id)
        .await
        .map_err(AppError::respond)?;
    Ok(SlipSheet {
        info,
        slips,
        origin: request_origin(&state).await,
    })
}

/// Starts a campaign; the browser then goes to its page.
#[server(endpoint = "survey_create")]
pub async fn create_campaign(form: CampaignForm) -> Result<String, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    let orgs = super::server::runnable_orgs(&state.db, &viewer)
        .await
        .map_err(AppError::respond)?;
    let org_name = orgs
        .iter()
        .find(|(id, _)| *id == form.org_id)
        .map(|(_, n)| n.clone())
        .ok_or_else(|| AppError::Forbidden.respond())?;
    let definition = form
        .definition(&org_name)
        .map_err(|m| AppError::Invalid(m).respond())?;
    let rating_year = form
        .chosen_year()
        .map_err(|m| AppError::Invalid(m).respond())?;
    let new = super::NewCampaign {
        org_id: form.org_id,
        title: form.title,
        period: form.period,
        opens_on: form.opens_on,
        closes_on: form.closes_on,
        definition,
        open_link: form.open_link.is_some(),
        rating_year,
    };
    let id = super::server::create_campaign(&state.db, &viewer, &new, crate::db::now_ms())
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/surveys/{id}"));
    Ok(id)
}

/// Saves a new version of a campaign's definition; the browser goes back to its page.
#[server(endpoint = "survey_revise")]
pub async fn revise_campaign(campaign_id: String, form: CampaignForm) -> Result<i64, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    let info = super::server::campaign_for_organiser(&state.db, &viewer, &campaign_id)
        .await
        .map_err(AppError::respond)?;
    let definition = form
        .definition(&info.org_name)
        .map_err(|m| AppError::Invalid(m).respond())?;
    let revised = super::server::revise_campaign(
        &state.db,
        &viewer,
        &campaign_id,
        &definition,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/surveys/{campaign_id}"));
    // The version in force (unchanged while the revision waits for the 总支).
    Ok(match revised {
        super::server::Revised::Applied(v) => v,
        super::server::Revised::AwaitingApproval => info.version,
    })
}

/// The 总支 approves or refuses a secretary's revision of a campaign with answers.
#[server(endpoint = "survey_revision_decide")]
pub async fn decide_revision(campaign_id: String, approve: bool) -> Result<(), AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::server::decide_revision(
        &state.db,
        &viewer,
        &campaign_id,
        approve,
        crate::db::now_ms(),
    )
    .await
    .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/surveys/{campaign_id}"));
    Ok(())
}

/// Renames a campaign or moves its dates; the browser goes back to its page.
#[server(endpoint = "survey_details")]
pub async fn change_campaign_details(
    campaign_id: String,
    details: super::CampaignDetails,
) -> Result<(), AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    super::server::change_details(&state.db, &viewer, &campaign_id, &details)
        .await
        .map_err(AppError::respond)?;
    leptos_axum::redirect(&format!("/surveys/{campaign_id}"));
    Ok(())
}

/// Makes one-time codes for an audience.
#[server(endpoint = "survey_invites")]
pub async fn make_invites(
    campaign_id: String,
    audience: String,
    count: String,
) -> Result<u32, AppError> {
    let (state, viewer) = crate::auth::server::viewer_context().await?;
    let audience = Audience::parse(&audience)
        .ok_or_else(|| AppError::Invalid("请选择对象".into()).respond())?;
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid("请填写要生成的数量".into()).respond())?;
    super::server::create_invites(&state.db, &viewer, &campaign_id, audience, count)
        .await
        .map_err(AppError::respond)
}

/// What a respondent's link opens: the form, or why it can't be answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnswerGate {
    Open {
        info: Box<CampaignInfo>,
        /// Fixed by a code; `None` on the open link.
        audience: Option<Audience>,
        /// A fresh record id for this form (a UUIDv7): a resubmitted form is stored once.
        record_id: String,
        /// On the open link, the server-signed mark this phone answers with (one answer per
        /// mark); `None` for a code.
        #[serde(default)]
        mark: Option<String>,
    },
    Closed {
        title: String,
        message: String,
    },
}

/// `code` is a one-time code, or `open:<token>` for an open link.
#[server(endpoint = "survey_entry")]
pub async fn load_answer_gate(code: String) -> Result<AnswerGate, AppError> {
    use crate::domain::limits::Bucket;
    let state = crate::state::app_state()?;
    let now = crate::db::now_ms();
    // Guessing codes stops at the limit of wrong ones from one address.
    let client = crate::guard::ClientAddr::of_context(&state.config.trusted_proxies);
    let limits = &state.config.limits;
    crate::guard::check(&state.db, limits, Bucket::CodeAddress, &client.0, now)
        .await
        .map_err(AppError::respond)?;
    let entry = match code.strip_prefix("open:") {
        Some(token) => super::server::entry_by_token(&state.db, token, now).await,
        None => super::server::entry_by_code(&state.db, &code, now).await,
    }
    .map_err(AppError::respond)?;
    if let Err(super::server::Refusal::UnknownCode | super::server::Refusal::UnknownCampaign) =
        &entry
    {
        crate::guard::count(&state.db, limits, Bucket::CodeAddress, &client.0, now)
            .await
            .map_err(AppError::respond)?;
    }
    Ok(match entry {
        Ok(e) => AnswerGate::Open {
            mark: match code.strip_prefix("open:") {
                Some(_) => Some(open_link_mark(&state, &client, now).await?),
                None => None,
            },
            info: Box::new(e.info),
            audience: e.audience,
            record_id: uuid::Uuid::now_v7().to_string(),
        },
        Err(r) => {
            let title = match r {
                super::server::Refusal::UsedCode => "邀请码已使用",
                super::server::Refusal::Closed(_) => "测评已结束",
                super::server::Refusal::NotYetOpen(_) => "测评尚未开始",
                _ => "链接无效",
            };
            AnswerGate::Closed {
                title: title.into(),
                message: r.to_string(),
            }
        }
    })
}

/// The open-link mark of the phone asking: the one its cookie holds if the server signed it,
/// or a new one — counted against the address (`mark_address`), so a script that drops its
/// cookies gets only so many — kept in the cookie for next time.
#[cfg(feature = "ssr")]
async fn open_link_mark(
    state: &crate::state::AppState,
    client: &crate::guard::ClientAddr,
    now: i64,
) -> Result<String, AppError> {
    use super::server::{is_valid_mark, issue_mark, mark_cookie, mark_set_cookie};
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let kept = parts.as_ref().and_then(|p| mark_cookie(&p.headers));
    if let Some(mark) = kept
        && is_valid_mark(&state.db, &mark)
            .await
            .map_err(AppError::respond)?
    {
        return Ok(mark);
    }
    let bucket = crate::domain::limits::Bucket::MarkAddress;
    crate::guard::count(&state.db, &state.config.limits, bucket, &client.0, now)
        .await
        .map_err(AppError::respond)?;
    let mark = issue_mark(&state.db).await.map_err(AppError::respond)?;
    let secure = parts
        .as_ref()
        .is_some_and(|p| crate::auth::server::secure_cookies(&state.config, &p.headers));
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = http::HeaderValue::from_str(&mark_set_cookie(&mark, secure))
    {
        res.append_header(http::header::SET_COOKIE, value);
    }
    Ok(mark)
}
