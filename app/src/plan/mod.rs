//! The annual plan (年度争创方案, issue 11 point 2) of a branch and of the 总支
//! (`/branch/<id>/plan?year=`): the problems found, the target level, the rectification tasks
//! with measures, owner and deadline, and the 党员发展计划. The branch writes and submits it;
//! the 总支 approves it or returns it (a 总支's own plan: the bureau's admin, as for its
//! rating). Changes after approval are new versions awaiting approval again; every version is
//! kept. Each task's status and dated progress notes (with links to the branch's activity
//! records) change without a new approval; overdue tasks reach the to-do lists.

mod api;
mod form;
mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::auth::CurrentUser;
use crate::domain::plan::{PlanContent, PlanState, Progress, Task, TaskStatus};
use serde::{Deserialize, Serialize};

pub use api::*;
pub use form::{PlanForm, TaskForm};
pub use page::PlanPage;

/// A plan's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    pub viewer: CurrentUser,
    pub org_id: String,
    pub org_name: String,
    pub year: i32,
    /// The 总支's own plan (approved by the bureau's admin where there is one).
    pub general: bool,
    /// Write, submit, set the tasks' status and add progress: the organisation's organisers.
    pub may_edit: bool,
    /// Approve or return: the 总支 (for a 总支's own plan, the bureau's admin).
    pub may_decide: bool,
    /// `None` until the plan is first saved.
    pub record: Option<PlanRecord>,
    /// The current words, or for a new plan the seed's shape (four tasks, no problems yet).
    pub content: PlanContent,
    /// The words last approved, when the current ones differ (changed after approval).
    pub approved: Option<PlanContent>,
    pub tasks: Vec<TaskView>,
    pub progress: Progress,
    /// Every step, newest first.
    pub trail: Vec<TrailLine>,
}

/// Where a saved plan stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub state: PlanState,
    pub version: i64,
    pub approved_version: Option<i64>,
    pub comment: String,
    /// "王书记 于 2026-03-01 10:00 保存".
    pub updated: String,
}

/// A task with its status and progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    pub task: Task,
    pub status: TaskStatus,
    pub overdue: bool,
    pub notes: Vec<NoteView>,
    /// Photos and documents of its progress: (file id, name), read at `/plan-files/<id>`.
    pub files: Vec<(String, String)>,
}

/// A dated progress note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    pub on_day: String,
    pub note: String,
    /// Linked activity records: id and "date topic".
    pub links: Vec<(String, String)>,
    pub by: String,
}

/// One step of the plan's trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailLine {
    pub at: String,
    pub who: String,
    pub act: String,
    pub note: String,
    pub version: i64,
}
