//! The rating itself (创五星、争红旗): indicators and their criteria as data (`rules`), the
//! year's facts about one organisation (`inputs`), each criterion judged (`criteria`), and the
//! stars, the level, the red flag and a target's outlook that follow (`level`).
//!
//! Pure functions over counts and dates, like every other figure: the server gathers the
//! inputs, these decide. A criterion is only ever met by what the rules say meets it: an
//! unknown, pending or unapproved one never counts.

mod criteria;
mod inputs;
mod judged;
mod level;
mod registers;
mod rules;
mod satisfaction;
#[cfg(test)]
mod tests;

pub use criteria::judge;
pub use inputs::{Evidence, EvidenceState, Honour, Inputs, Member, SurveyInput, Violation};
pub use level::{
    IndicatorResult, Level, Outlook, Rating, TargetCheck, Trend, best_case, level_of, rate,
    target_check, trend,
};
pub use registers::{Assessment, Evaluation, HonourLevel};
pub use rules::{
    AudienceGroup, Criterion, CriterionKind, Indicator, LevelRule, Question, RuleSet, StarRule,
};

use serde::{Deserialize, Serialize};

/// Where a criterion stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Met,
    NotMet,
    /// Not decided yet: the year, the campaign or the register is still open.
    Pending,
    /// Attested: no evidence submitted (or it was returned).
    AwaitingEvidence,
    /// Attested: submitted, the 总支 has not decided.
    AwaitingApproval,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Met => "已达到",
            State::NotMet => "未达到",
            State::Pending => "进行中",
            State::AwaitingEvidence => "待提交佐证",
            State::AwaitingApproval => "待总支审核",
        }
    }
}

/// One criterion judged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub key: String,
    pub name: String,
    /// Whether its state is computed from the app's data or registers (`false`: attested).
    pub computed: bool,
    pub state: State,
    /// The figure it rests on, as text ("参与率 92.3%（实到 120 / 应到 130）").
    pub figure: String,
    /// Counts, interval and confidence beside a satisfaction rate; never part of the verdict.
    pub detail: String,
    /// What the branch still has to do, with the amount missing; empty when met.
    pub next_step: String,
    /// It can no longer be met this year (a month gone without its 主题党日, a violation, a
    /// closed campaign below the bar), whatever is still scheduled.
    pub lost: bool,
    /// It cannot be met with what is held and still scheduled (or it is lost).
    pub at_risk: bool,
    /// The survey campaign its figure comes from.
    pub campaign_id: Option<String>,
}
