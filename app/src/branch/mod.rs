//! The branch secretary's pages: each activity's 应到 / 实到 / rate and the branch's year.

mod api;
#[cfg(feature = "ssr")]
pub mod closing;
#[cfg(feature = "ssr")]
mod counted;
#[cfg(feature = "ssr")]
pub mod frozen;
#[cfg(feature = "ssr")]
mod lookup;
#[cfg(feature = "ssr")]
mod now_todos;
mod page;
#[cfg(feature = "ssr")]
pub mod plan_todos;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::{
    CloseYear, ReopenYear, close_year, load_branch_overview, load_my_branches, reopen_year,
};
pub use page::{BranchPage, BranchesPage};
pub(crate) use page::{YearPicker, asked_year};

use crate::auth::CurrentUser;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::RollCounts;
use crate::domain::participation::Percent;
use serde::{Deserialize, Serialize};

pub use crate::domain::participation::Figure;

/// One activity of the branch with its attendance record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFigure {
    pub id: String,
    pub kind: ActivityKind,
    pub topic: String,
    pub starts_at: i64,
    pub place: String,
    /// Whether it has started.
    pub started: bool,
    /// Whether it counts as held: its roll was taken (`cadence::roll_taken`). Only held
    /// activities have a rate and count in the year's figures and the cadence rules.
    pub held: bool,
    /// The 党小组 it is for, if one group.
    pub group: Option<String>,
    pub ends_at: i64,
    /// Whether its minutes (会议记录) were kept.
    pub has_minutes: bool,
    pub counts: RollCounts,
    pub figure: Figure,
    /// Names of the expected members who were present, excused (请假) and absent.
    pub present: Vec<String>,
    pub excused: Vec<String>,
    pub absent: Vec<String>,
    /// Members whose check-in arrived after a hand mark of absence, to be decided.
    pub conflicts: Vec<String>,
}

/// A branch and its participation over the year so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchSummary {
    pub id: String,
    pub name: String,
    pub year: i32,
    /// The school's name, on a bureau's list of every school's branches.
    #[serde(default)]
    pub school: Option<String>,
    /// Activities held this year so far.
    pub held: u32,
    pub year_figure: Figure,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchOverview {
    pub viewer: CurrentUser,
    pub bar: Percent,
    pub summary: BranchSummary,
    /// The years that can be picked, latest first (`summary.year` is the one shown).
    pub years: Vec<i32>,
    /// Whether `summary.year` is the current year (to-do items and leave are about now).
    pub current: bool,
    /// Whether the year is closed (年度封存) and what the viewer may do about it; the figures
    /// of a closed year are its snapshot.
    pub closing: Option<YearState>,
    /// The year's activities, latest first.
    pub activities: Vec<ActivityFigure>,
    /// Leave requests for the branch's activities of the last 30 days and to come.
    pub leave_requests: Vec<crate::leave::LeaveItem>,
    /// Participation by month and by quarter of the year.
    pub months: Vec<PeriodFigure>,
    pub quarters: Vec<PeriodFigure>,
    /// 三会一课 and 主题党日 against the deployment's minimums.
    pub cadence: Vec<crate::domain::cadence::RuleCheck>,
    pub todos: Vec<crate::domain::todo::Todo>,
}

/// A year's closing (年度封存) as the figure pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearState {
    pub year: i32,
    /// When and by whom it was closed, if it is.
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
    /// Whether the viewer may close or reopen it (the 总支's admin, for a year that is over).
    pub may_close: bool,
    /// Every close and reopen, oldest first.
    pub trail: Vec<YearTrailEntry>,
}

/// One close or reopen of a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTrailEntry {
    /// "封存" or "重新开启".
    pub act: String,
    pub reason: String,
    pub by_name: String,
    pub at: i64,
}

/// Participation of one month or quarter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodFigure {
    pub name: String,
    pub figure: Figure,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBranches {
    pub viewer: CurrentUser,
    pub bar: Percent,
    pub branches: Vec<BranchSummary>,
    /// The year shown, and the years that can be picked, latest first.
    pub year: i32,
    pub years: Vec<i32>,
    /// For the 总支: whether the year is closed, and may it be closed or reopened.
    pub closing: Option<YearState>,
    /// For the 总支: changes made to activities after they started, to check.
    pub todos: Vec<crate::domain::todo::Todo>,
    /// For the bureau: its schools, one picked at a time (a county has thousands of branches:
    /// `branches` holds the picked school's alone, none until one is picked).
    pub schools: Vec<SchoolLink>,
    /// The school picked, if any.
    pub school: Option<String>,
}

/// A school the bureau reads, with how many branches it has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolLink {
    pub id: String,
    pub name: String,
    pub branches: u32,
}
