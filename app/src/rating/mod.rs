//! The rating (创五星、争红旗) of a branch: its stars, level, red flag, 晋位升级 and targets
//! (`/branch/{id}/rating`, `GET /api/v1/orgs/{id}/rating`), the evidence of its attested
//! criteria with the 总支's approval, and the registers the rules read (honours, violations,
//! annual evaluations, assessments, baseline levels). The rules are `domain::rating`; this
//! module gathers their inputs and keeps the evidence and registers.

mod api;
mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::*;
pub use page::{RatingOverviewPage, RatingPage};

use crate::auth::CurrentUser;
use crate::domain::rating::{
    Assessment, Evaluation, EvidenceState, HonourLevel, Level, Outlook, Rating, Trend,
};
use serde::{Deserialize, Serialize};

/// An organisation's rating of a year, as the JSON API and the page give it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingReport {
    pub org_id: String,
    pub org_name: String,
    pub year: i32,
    /// Whether the year is over (else the figures are the year so far).
    pub year_over: bool,
    pub rating: Rating,
    /// Last year's level: its rating, or the baseline entered for it.
    pub last_year: Option<LastYear>,
    pub trend: Option<Trend>,
    pub targets: Vec<TargetView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastYear {
    pub year: i32,
    pub level: Level,
    /// Entered as the baseline (the year before xingqi was used), not rated here.
    pub baseline: bool,
}

/// A target of the branch and how it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetView {
    pub id: String,
    pub level: Level,
    /// YYYY-MM-DD.
    pub deadline: String,
    pub outlook: Outlook,
    /// What puts it at risk.
    pub reasons: Vec<String>,
    /// What still stands between the branch and the level: each unmet criterion's next step.
    pub steps: Vec<String>,
}

/// The rating page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingView {
    pub viewer: CurrentUser,
    pub report: RatingReport,
    pub years: Vec<i32>,
    /// The branch's organisers: they enter and submit evidence.
    pub may_submit: bool,
    /// The 总支's admin: approves or returns evidence, keeps the registers and targets.
    pub may_decide: bool,
    pub evidence: Vec<EvidenceView>,
    pub registers: Registers,
    /// The year's activities, for linking evidence to records.
    pub activities: Vec<ActivityRef>,
    pub charts: Charts,
    /// A 总支's own rating (every criterion attested, approved by the bureau), not a branch's.
    pub general: bool,
}

/// What the rating page draws (as SVG, on the server).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Charts {
    /// Participation by month: name, 应到, 实到, the rate as text.
    pub months: Vec<(String, u32, u32, String)>,
    /// The 主题党日 of each month: name and state.
    pub theme_days: Vec<(String, crate::domain::cadence::CheckState)>,
    /// Satisfaction with the organisation per audience in the year's latest closed campaign.
    pub satisfaction: Vec<SatisfactionBar>,
    /// That campaign's title.
    pub campaign: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionBar {
    pub label: String,
    pub valid: u32,
    /// In [0, 1] (a rate) or points / 100 (a score); none below the minimum group.
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
    /// "92.5%（87.1%–96.1%）" or why there is no figure.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRef {
    pub id: String,
    pub label: String,
}

/// The evidence of one attested criterion and its trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub criterion: String,
    pub name: String,
    /// What the evidence must show (the 五有八上墙).
    pub checklist: Vec<String>,
    pub state: Option<EvidenceState>,
    pub body: String,
    pub links: Vec<ActivityRef>,
    /// Files and photos attached to it.
    pub files: Vec<EvidenceFile>,
    pub comment: String,
    pub trail: Vec<TrailEntry>,
    /// What the app's own records say for the criterion (the members' approved commitments
    /// for 岗位承诺), shown beside the evidence; empty when nothing.
    #[serde(default)]
    pub from_records: String,
}

/// A file or photo of an evidence (`GET /evidence-files/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub id: String,
    pub name: String,
    pub size_bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailEntry {
    pub act: String,
    pub note: String,
    pub by_name: String,
    pub at: i64,
}

/// What the registers hold for the branch and year (violations only for those who may see
/// them: the 总支 and the branch's secretary).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registers {
    pub honours: Vec<HonourView>,
    pub violations: Option<Vec<ViolationView>>,
    pub evaluation: Option<Evaluation>,
    pub assessments: Vec<AssessmentView>,
    pub baseline: Option<LastYear>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HonourView {
    pub id: String,
    pub awarded_on: String,
    pub level: HonourLevel,
    pub title: String,
    pub issuer: String,
    pub evidence: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationView {
    pub id: String,
    pub occurred_on: String,
    pub person: String,
    pub committee: bool,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentView {
    pub user_id: String,
    pub name: String,
    /// 书记 / 副书记 / 委员.
    pub seat: String,
    pub grade: Option<Assessment>,
}

/// One branch on the 总支's rating overview (`/rating`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverviewRow {
    pub branch_id: String,
    pub name: String,
    /// The school's name, for a bureau's list.
    pub school: Option<String>,
    pub stars: u8,
    pub max_stars: u8,
    pub level: Level,
    /// The best level still reachable this year.
    pub reachable: Level,
    /// The nearest target not yet past.
    pub target: Option<TargetView>,
    /// The participation criterion's state and figure.
    pub participation: (crate::domain::rating::State, String),
    /// Each satisfaction criterion: name, state, figure, detail (count and interval).
    pub satisfaction: Vec<(String, crate::domain::rating::State, String, String)>,
    /// Attested criteria waiting for the 总支's decision.
    pub awaiting_approval: Vec<String>,
    /// Participation by month, the 主题党日 grid and satisfaction per audience, as on the
    /// branch's page.
    pub charts: Charts,
    /// The year's annual plan: its state and its tasks' progress; `None` before it is written.
    pub plan: Option<(
        crate::domain::plan::PlanState,
        crate::domain::plan::Progress,
    )>,
    /// The year's commitment letter's state; `None` before it is drafted.
    pub letter: Option<crate::domain::letter::LetterState>,
}

/// The 总支's (or the bureau's) rating overview of a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingOverview {
    pub viewer: CurrentUser,
    pub year: i32,
    pub years: Vec<i32>,
    pub rows: Vec<OverviewRow>,
    /// Branches beyond the first [`server::overview::MAX_BRANCHES`], not rated here.
    pub more: usize,
}
