//! The survey pages: the organiser's list, new-campaign form, results and print sheet; the
//! respondent's answer form (a plain form that posts, so it works with JavaScript off). One
//! page and its parts per file.

mod answer;
mod campaign;
mod code;
mod definition;
mod done;
mod list;
mod new;
mod revise;
mod slips;

pub use answer::AnswerPage;
pub use campaign::CampaignPage;
pub use code::SurveyCodePage;
pub use done::SurveyDonePage;
pub use list::SurveysPage;
pub use new::NewCampaignPage;
pub use revise::ReviseCampaignPage;
pub use slips::SlipsPage;

use super::CampaignInfo;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

pub(super) fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

pub(super) fn period_text(info: &CampaignInfo) -> String {
    let counts = info
        .rating_year()
        .map(|y| format!(" · 计入 {y} 年度评定"))
        .unwrap_or_default();
    format!(
        "{} · {} · {} 至 {}{counts}",
        info.org_name, info.period, info.opens_on, info.closes_on
    )
}
