//! The branch secretary's pages: each activity's 应到 / 实到 / rate and the branch's year.

mod api;
mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use api::{load_branch_overview, load_my_branches};
pub use page::{BranchPage, BranchesPage};

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
}

/// A branch and its participation over the year so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchSummary {
    pub id: String,
    pub name: String,
    pub year: i32,
    /// Activities held this year so far.
    pub held: u32,
    pub year_figure: Figure,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchOverview {
    pub viewer: CurrentUser,
    pub bar: Percent,
    pub summary: BranchSummary,
    /// This year's activities, latest first.
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
    /// For the 总支: changes made to activities after they started, to check.
    pub todos: Vec<crate::domain::todo::Todo>,
}
