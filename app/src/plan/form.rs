//! The plan form's fields as posted, and the [`PlanContent`] they describe.

use crate::domain::plan::{PlanContent, Task};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One task's row; a row without a name is left out, a row without an id is a new task.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub measures: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub deadline: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub target_level: String,
    #[serde(default)]
    pub recruits: String,
    #[serde(default)]
    pub recruits_under_35: String,
    #[serde(default)]
    pub recruit_names: String,
    #[serde(default)]
    pub tasks: Vec<TaskForm>,
}

fn count(s: &str, what: &str) -> Result<u32, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(0);
    }
    s.parse().map_err(|_| format!("{what}应为整数"))
}

impl PlanForm {
    /// The words the form describes (checked as a whole by [`PlanContent::checked`]); `new_id`
    /// names a new task.
    pub fn content(&self, mut new_id: impl FnMut() -> String) -> Result<PlanContent, String> {
        let mut tasks = Vec::new();
        for row in self.tasks.iter().filter(|r| !r.title.trim().is_empty()) {
            let n = tasks.len() + 1;
            let deadline = NaiveDate::parse_from_str(row.deadline.trim(), "%Y-%m-%d")
                .map_err(|_| format!("第 {n} 项任务的完成期限应为 年-月-日，如 2026-11-30"))?;
            let id = row.id.trim();
            tasks.push(Task {
                // An id the page gave (a UUID, or `seed-N`); anything else is a new task.
                id: if id.is_empty()
                    || id.len() > 40
                    || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    new_id()
                } else {
                    id.to_owned()
                },
                title: row.title.clone(),
                measures: row.measures.clone(),
                owner: row.owner.clone(),
                deadline,
            });
        }
        Ok(PlanContent {
            problems: self.problems.clone(),
            target_level: self.target_level.trim().to_owned(),
            tasks,
            recruits: count(&self.recruits, "计划发展党员人数")?,
            recruits_under_35: count(&self.recruits_under_35, "其中 35 岁以下人数")?,
            recruit_names: self.recruit_names.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_without_a_name_are_left_out_and_new_rows_get_an_id() {
        let form = PlanForm {
            target_level: "advanced".into(),
            recruits: "2".into(),
            tasks: vec![
                TaskForm {
                    id: "t1".into(),
                    title: "抓创新促发展".into(),
                    owner: "王".into(),
                    deadline: "2026-11-30".into(),
                    ..TaskForm::default()
                },
                TaskForm::default(),
                TaskForm {
                    title: "抓品牌树形象".into(),
                    owner: "李".into(),
                    deadline: "2026-12-15".into(),
                    ..TaskForm::default()
                },
            ],
            ..PlanForm::default()
        };
        let c = form.content(|| "new".into()).unwrap();
        assert_eq!(c.tasks.len(), 2);
        assert_eq!(
            (c.tasks[0].id.as_str(), c.tasks[1].id.as_str()),
            ("t1", "new")
        );
        assert_eq!((c.recruits, c.recruits_under_35), (2, 0));
        let mut bad = form.clone();
        bad.tasks[2].deadline = "年底".into();
        assert!(
            bad.content(|| "x".into())
                .unwrap_err()
                .contains("第 2 项任务的完成期限")
        );
        let mut bad = form;
        bad.recruits = "两".into();
        assert!(
            bad.content(|| "x".into())
                .unwrap_err()
                .contains("计划发展党员人数")
        );
    }
}
