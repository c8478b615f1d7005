//! What the rating of one organisation for one year rests on, as the server gathers it.

use super::registers::{Assessment, Evaluation, HonourLevel};
use crate::ballot::Audience;
use crate::cadence::{Held, Rule, Shape};
use crate::participation::Attendance;
use crate::survey::{Convention, Tally};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The facts of one organisation's year.
#[derive(Clone, Debug, Default)]
pub struct Inputs<'a> {
    pub year: i32,
    /// Now, in ms: what is past, under way or to come.
    pub now: i64,
    /// 应到 and 实到 summed over the activities held in the year.
    pub participation: Attendance,
    /// 应到 of the activities still scheduled in the year (not yet held): the most 实到
    /// could still grow by.
    pub scheduled_expected: u32,
    /// Activities held in the year, and whether each kept its minutes.
    pub held: Vec<(Held<'a>, bool)>,
    /// Activities scheduled and not yet held (what may still fill a period).
    pub scheduled: Vec<Held<'a>>,
    /// The deployment's minimum frequencies, and the branch's shape they depend on.
    pub cadence: Vec<Rule>,
    pub shape: Shape,
    /// The organisation's members (for the young-recruit criterion).
    pub members: Vec<Member>,
    pub violations: Vec<Violation>,
    pub honours: Vec<Honour>,
    pub evaluation: Option<Evaluation>,
    /// The committee's members and their 考核 (`None`: not entered).
    pub assessments: Vec<(String, Option<Assessment>)>,
    /// The organisation's survey campaigns of the rating year.
    pub surveys: Vec<SurveyInput>,
    /// Evidence per attested criterion key.
    pub evidence: BTreeMap<String, Evidence>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    pub staff: bool,
    pub birth_date: Option<NaiveDate>,
    /// 入党日期.
    pub join_date: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub date: NaiveDate,
    /// Whether the person sat on the committee when it happened.
    pub committee: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Honour {
    pub date: NaiveDate,
    pub level: HonourLevel,
    pub title: String,
}

/// One campaign of the year, with its counts (or none while it is open).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyInput {
    pub campaign_id: String,
    pub title: String,
    /// Its last day, YYYY-MM-DD; figures count only once it is over.
    pub closes_on: String,
    pub closed: bool,
    pub audiences: Vec<Audience>,
    pub questions: Vec<String>,
    pub convention: Convention,
    pub min_group: u32,
    /// Votes per (audience, question), when closed.
    pub tallies: Vec<(Audience, String, Tally)>,
}

/// The evidence of an attested criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub state: EvidenceState,
    /// The 总支's comment when it returned the evidence.
    pub comment: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceState {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl EvidenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceState::Draft => "draft",
            EvidenceState::Submitted => "submitted",
            EvidenceState::Returned => "returned",
            EvidenceState::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Submitted, Self::Returned, Self::Approved]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            EvidenceState::Draft => "草稿",
            EvidenceState::Submitted => "已提交",
            EvidenceState::Returned => "已退回",
            EvidenceState::Approved => "已审核通过",
        }
    }
}
