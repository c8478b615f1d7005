//! The annual plan (年度争创方案) of a branch or of the 总支: the problems found (查找问题), the
//! level aimed at, the rectification tasks (by default the seed's four) and the plan for new
//! members (党员发展计划); its states and what makes a task overdue.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Limits of one plan, in characters and rows.
pub const MAX_PROBLEMS_CHARS: usize = 2000;
pub const MAX_TASKS: usize = 8;
pub const MAX_TASK_TITLE_CHARS: usize = 40;
pub const MAX_MEASURES_CHARS: usize = 1000;
pub const MAX_OWNER_CHARS: usize = 30;
pub const MAX_RECRUIT_NAMES_CHARS: usize = 500;
pub const MAX_RECRUITS: u32 = 50;
/// Longest progress note, and most activity records one links.
pub const MAX_NOTE_CHARS: usize = 1000;
pub const MAX_NOTE_LINKS: usize = 20;

/// How a rating evidence link names a plan's task (`task:<id>`), beside activity ids.
pub const TASK_LINK_PREFIX: &str = "task:";

/// The seed plan's four rectification tasks (四项整改提高任务).
pub const SEED_TASKS: [&str; 4] = [
    "抓创新促发展",
    "抓队伍强素质",
    "抓规范建机制、抓保障强基础",
    "抓品牌树形象",
];

/// Where a plan stands with the 总支.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// Being written (also after a change to an approved plan, until it is submitted again).
    Draft,
    /// Waiting for the 总支.
    Submitted,
    Approved,
    /// Sent back with a comment.
    Returned,
}

impl PlanState {
    pub fn key(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Submitted => "submitted",
            PlanState::Approved => "approved",
            PlanState::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<PlanState> {
        [
            PlanState::Draft,
            PlanState::Submitted,
            PlanState::Approved,
            PlanState::Returned,
        ]
        .into_iter()
        .find(|k| k.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanState::Draft => "草稿",
            PlanState::Submitted => "已提交，待审批",
            PlanState::Approved => "已审批",
            PlanState::Returned => "已退回修改",
        }
    }
}

/// How far a task is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    NotStarted,
    InProgress,
    Done,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [
        TaskStatus::NotStarted,
        TaskStatus::InProgress,
        TaskStatus::Done,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|k| k.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "未开始",
            TaskStatus::InProgress => "进行中",
            TaskStatus::Done => "已完成",
        }
    }
}

/// One rectification task as the plan states it (its status and progress live beside it:
/// they change without a new approval).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Stable across versions, so status and progress stay with the task.
    pub id: String,
    pub title: String,
    pub measures: String,
    pub owner: String,
    pub deadline: NaiveDate,
}

/// The plan's words: what the 总支 approves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    pub problems: String,
    /// A level key (`red_flag`, `advanced`, `average`, `lagging`).
    pub target_level: String,
    pub tasks: Vec<Task>,
    /// 党员发展计划: how many to recruit this year, how many of them under 35, and names.
    pub recruits: u32,
    pub recruits_under_35: u32,
    pub recruit_names: String,
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

impl PlanContent {
    /// Trimmed and checked for `year`, or what to fix: at least one task, each named, with a
    /// deadline in the plan's year or the next; the recruitment plan consistent.
    pub fn checked(mut self, year: i32) -> Result<PlanContent, String> {
        self.problems = self.problems.trim().to_owned();
        if too_long(&self.problems, MAX_PROBLEMS_CHARS) {
            return Err(format!("查找的问题最多 {MAX_PROBLEMS_CHARS} 字"));
        }
        if !["red_flag", "advanced", "average", "lagging"].contains(&self.target_level.as_str()) {
            return Err("请选择目标等次".into());
        }
        if self.tasks.is_empty() || self.tasks.len() > MAX_TASKS {
            return Err(format!("请列出 1 至 {MAX_TASKS} 项整改任务"));
        }
        for (i, t) in self.tasks.iter_mut().enumerate() {
            let n = i + 1;
            t.title = t.title.trim().to_owned();
            t.measures = t.measures.trim().to_owned();
            t.owner = t.owner.trim().to_owned();
            if t.title.is_empty() || too_long(&t.title, MAX_TASK_TITLE_CHARS) {
                return Err(format!(
                    "请填写第 {n} 项任务的名称（最多 {MAX_TASK_TITLE_CHARS} 字）"
                ));
            }
            if too_long(&t.measures, MAX_MEASURES_CHARS) {
                return Err(format!("第 {n} 项任务的措施最多 {MAX_MEASURES_CHARS} 字"));
            }
            if t.owner.is_empty() || too_long(&t.owner, MAX_OWNER_CHARS) {
                return Err(format!("请填写第 {n} 项任务的责任人"));
            }
            if !(year..=year + 1).contains(&chrono::Datelike::year(&t.deadline)) {
                return Err(format!(
                    "第 {n} 项任务的完成期限应在 {year} 年或 {} 年",
                    year + 1
                ));
            }
        }
        self.recruit_names = self.recruit_names.trim().to_owned();
        if self.recruits > MAX_RECRUITS || self.recruits_under_35 > self.recruits {
            return Err(format!(
                "发展党员人数应在 0 至 {MAX_RECRUITS} 之间，其中 35 岁以下的不超过总数"
            ));
        }
        if too_long(&self.recruit_names, MAX_RECRUIT_NAMES_CHARS) {
            return Err(format!("发展对象名单最多 {MAX_RECRUIT_NAMES_CHARS} 字"));
        }
        Ok(self)
    }
}

/// Whether a task is overdue on `today`: its deadline has passed and it is not done.
pub fn overdue(status: TaskStatus, deadline: NaiveDate, today: NaiveDate) -> bool {
    status != TaskStatus::Done && deadline < today
}

/// Tasks done, due within `soon` days, overdue, of all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub total: u32,
    pub done: u32,
    pub due_soon: u32,
    pub overdue: u32,
}

/// The plan's progress on `today`: `tasks` as (status, deadline).
pub fn progress(tasks: &[(TaskStatus, NaiveDate)], today: NaiveDate, soon: i64) -> Progress {
    let mut p = Progress {
        total: tasks.len() as u32,
        ..Progress::default()
    };
    for &(status, deadline) in tasks {
        if status == TaskStatus::Done {
            p.done += 1;
        } else if overdue(status, deadline, today) {
            p.overdue += 1;
        } else if (deadline - today).num_days() <= soon {
            p.due_soon += 1;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn task(title: &str, deadline: &str) -> Task {
        Task {
            id: title.into(),
            title: title.into(),
            measures: "措施".into(),
            owner: "王书记".into(),
            deadline: d(deadline),
        }
    }

    fn plan() -> PlanContent {
        PlanContent {
            problems: " 组织生活不够规范 ".into(),
            target_level: "advanced".into(),
            tasks: SEED_TASKS.iter().map(|t| task(t, "2026-11-30")).collect(),
            recruits: 2,
            recruits_under_35: 1,
            recruit_names: "张老师".into(),
        }
    }

    #[test]
    fn a_plan_is_trimmed_and_checked() {
        let p = plan().checked(2026).unwrap();
        assert_eq!(p.problems, "组织生活不够规范");
        let refused = |p: PlanContent, part: &str| {
            let e = p.checked(2026).unwrap_err();
            assert!(e.contains(part), "{e} should say {part}");
        };
        refused(
            PlanContent {
                target_level: "gold".into(),
                ..plan()
            },
            "目标等次",
        );
        refused(
            PlanContent {
                tasks: vec![],
                ..plan()
            },
            "1 至 8 项",
        );
        let mut late = plan();
        late.tasks[2].deadline = d("2028-01-01");
        refused(late, "第 3 项任务的完成期限应在 2026 年或 2027 年");
        let mut nameless = plan();
        nameless.tasks[0].title = "  ".into();
        refused(nameless, "第 1 项任务的名称");
        let mut ownerless = plan();
        ownerless.tasks[1].owner = String::new();
        refused(ownerless, "第 2 项任务的责任人");
        refused(
            PlanContent {
                recruits_under_35: 3,
                ..plan()
            },
            "不超过总数",
        );
        // Next year's deadline is fine (a task may run into January).
        let mut january = plan();
        january.tasks[0].deadline = d("2027-01-31");
        assert!(january.checked(2026).is_ok());
    }

    #[test]
    fn overdue_is_past_the_deadline_and_not_done() {
        let deadline = d("2026-06-30");
        assert!(!overdue(TaskStatus::InProgress, deadline, d("2026-06-30")));
        assert!(overdue(TaskStatus::InProgress, deadline, d("2026-07-01")));
        assert!(overdue(TaskStatus::NotStarted, deadline, d("2026-07-01")));
        assert!(!overdue(TaskStatus::Done, deadline, d("2026-07-01")));
    }

    #[test]
    fn progress_counts_each_task_once() {
        let today = d("2026-07-01");
        let p = progress(
            &[
                (TaskStatus::Done, d("2026-03-01")),
                (TaskStatus::InProgress, d("2026-06-01")),
                (TaskStatus::NotStarted, d("2026-07-10")),
                (TaskStatus::NotStarted, d("2026-12-31")),
            ],
            today,
            30,
        );
        assert_eq!(
            p,
            Progress {
                total: 4,
                done: 1,
                due_soon: 1,
                overdue: 1
            }
        );
    }

    #[test]
    fn states_and_statuses_round_trip() {
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(s.key()), Some(s));
        }
        for s in ["draft", "submitted", "approved", "returned"] {
            assert_eq!(PlanState::parse(s).map(PlanState::key), Some(s));
        }
        assert_eq!(PlanState::parse("x"), None);
    }
}
