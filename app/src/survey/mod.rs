//! 满意度测评: campaigns run by secretaries and admins, answered anonymously by members and the
//! masses from a one-time code or an open link, counted into the figures the rating needs.

mod api;
mod form;
mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use crate::domain::figures::{GroupFigures, QuestionFigure};
pub use api::*;
pub use form::CampaignForm;
pub use page::{
    AnswerPage, CampaignPage, NewCampaignPage, ReviseCampaignPage, SlipsPage, SurveyCodePage,
    SurveyDonePage, SurveysPage,
};
/// The survey's plain HTTP routes and the device-cookie layer, for the server to mount.
#[cfg(feature = "ssr")]
pub use server::http;

use crate::auth::CurrentUser;
use crate::domain::ballot::{Audience, Definition};
use serde::{Deserialize, Serialize};

/// A campaign as its pages show it, with its current definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignInfo {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub title: String,
    pub period: String,
    pub opens_on: String,
    pub closes_on: String,
    /// The rating year the campaign's figures count for, when the organiser chose one (else
    /// the year its period names, else the year it closes: [`CampaignInfo::rating_year`]).
    pub chosen_year: Option<i32>,
    pub version: i64,
    /// The open link's token, when the campaign has one.
    pub open_token: Option<String>,
    pub definition: Definition,
}

impl CampaignInfo {
    /// The rating year the campaign's figures count for.
    pub fn rating_year(&self) -> Option<i32> {
        self.chosen_year
            .or_else(|| crate::domain::time::year_named(&self.period, &self.closes_on))
    }

    pub fn open_path(&self) -> Option<String> {
        self.open_token.as_ref().map(|t| open_path(t))
    }
}

/// What a secretary fills in to start a campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewCampaign {
    pub org_id: String,
    pub title: String,
    pub period: String,
    pub opens_on: String,
    pub closes_on: String,
    pub definition: Definition,
    pub open_link: bool,
    /// The rating year its figures count for; `None`: the year its period names, else the
    /// year it closes.
    #[serde(default)]
    pub rating_year: Option<i32>,
}

/// What a campaign is called and when it takes answers: editable after it starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDetails {
    pub title: String,
    pub period: String,
    /// YYYY-MM-DD, China Standard Time; both days included.
    pub opens_on: String,
    pub closes_on: String,
    /// The rating year its figures count for (`None`: from the period or the closing day).
    #[serde(default, deserialize_with = "form::year_field")]
    pub rating_year: Option<i32>,
}

/// The print sheet of a campaign's codes (used or not, without saying which).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlipSheet {
    pub info: CampaignInfo,
    pub slips: Vec<InviteSlip>,
    pub origin: String,
}

/// One one-time code, for the print sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteSlip {
    pub code: String,
    pub audience: Audience,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignResults {
    pub viewer: CurrentUser,
    pub info: CampaignInfo,
    /// `https://host` as the request reached the server, for links and QR codes.
    pub origin: String,
    /// While the campaign takes answers its figures and per-group counts are withheld (they
    /// would let a reader time one person's answer); the counts below move in steps of the
    /// minimum group. Everything is shown once the campaign has closed.
    pub withheld: bool,
    /// Answers of the current version (while withheld: rounded down to a multiple of the
    /// minimum group).
    pub total: u32,
    /// Answers received per audience; `None` where withheld or fewer than the minimum group.
    pub responses: Vec<(Audience, Option<u32>)>,
    pub invites_issued: u32,
    /// Codes used (while withheld: in steps of the minimum group).
    pub invites_used: u32,
    /// "进行中", or why the campaign takes no answers now.
    pub open_state: String,
    pub groups: Vec<GroupFigures>,
    /// Answers given under earlier versions of the definition: counted apart, not in `groups`.
    pub earlier_versions_answers: u32,
    /// Of the current version's answers, those let in by the open link: they count, but nobody
    /// can attribute them, so a reader is shown how much of a rate rests on them.
    pub open_answers: u32,
    /// A secretary's revision waiting for the 总支's approval.
    pub pending_revision: Option<PendingRevision>,
}

/// A revision of a campaign with answers, waiting for the 总支.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRevision {
    pub requested_by: String,
    pub requested_at: i64,
}

impl CampaignResults {
    pub fn group(&self, key: &str) -> Option<&GroupFigures> {
        self.groups.iter().find(|g| g.key == key)
    }
}

/// The respondent's page for a one-time code.
pub fn code_path(code: &str) -> String {
    format!("/survey/{code}")
}

/// The respondent's page for an open link.
pub fn open_path(token: &str) -> String {
    format!("/survey/open/{token}")
}

/// A no-JS answer the server refused: the form is rendered again in the POST's response with
/// the answers as they were given and the reason — never echoed into a URL, where the answers
/// (a comment, say) would sit in logs and browser history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefusedAnswer {
    /// The form's fields as posted (`q_…`, `audience`, `comment`).
    pub fields: Vec<(String, String)>,
    pub error: String,
}

impl RefusedAnswer {
    pub fn get(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// Renders a page with no hydration scripts: a plain form, the same with JavaScript on or off
/// (the refused-answer page).
#[derive(Clone, Copy, Debug)]
pub struct StaticPage;

/// Where the answer form posts (works without JavaScript).
pub const ANSWER_POST_PATH: &str = "/survey/answer";
/// The cookie that keeps the open link's server-signed mark on a phone (one answer per mark).
pub const DEVICE_COOKIE: &str = "xq_survey_device";
