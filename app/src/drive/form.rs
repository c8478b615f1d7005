//! The 争创活动 form's fields as posted, and the [`Drive`] they describe.

use crate::domain::drive::{Drive, Phase, PhaseKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One phase's row; a row without a kind is left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    /// Optional: the day its work is owed by, inside the phase.
    #[serde(default)]
    pub deadline: String,
}

/// The whole form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub start_year: String,
    #[serde(default)]
    pub end_year: String,
    #[serde(default)]
    pub phases: Vec<PhaseForm>,
}

fn date(s: &str, what: &str, n: usize) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "第{}阶段的{what}应为 年-月-日，如 2026-03-15",
            crate::domain::drive::ordinal(n)
        )
    })
}

fn year(s: &str, what: &str) -> Result<i32, String> {
    s.trim()
        .trim_end_matches('年')
        .parse()
        .map_err(|_| format!("请填写{what}，如 2026"))
}

impl DriveForm {
    /// The 争创活动 the form describes (not yet checked as a whole: [`Drive::checked`]).
    pub fn drive(&self) -> Result<Drive, String> {
        let mut phases = Vec::new();
        for row in self.phases.iter().filter(|r| !r.kind.trim().is_empty()) {
            let n = phases.len() + 1;
            if n > crate::domain::drive::MAX_PHASES {
                return Err(format!(
                    "最多设置 {} 个阶段",
                    crate::domain::drive::MAX_PHASES
                ));
            }
            let kind = PhaseKind::parse(row.kind.trim())
                .ok_or_else(|| format!("第{}阶段的类型无效", crate::domain::drive::ordinal(n)))?;
            phases.push(Phase {
                kind,
                name: row.name.clone(),
                starts_on: date(&row.starts_on, "开始日期", n)?,
                ends_on: date(&row.ends_on, "结束日期", n)?,
                deadline: if row.deadline.trim().is_empty() {
                    None
                } else {
                    Some(date(&row.deadline, "截止日期", n)?)
                },
            });
        }
        Ok(Drive {
            title: self.title.clone(),
            start_year: year(&self.start_year, "开始年度")?,
            end_year: year(&self.end_year, "结束年度")?,
            phases,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, starts: &str, ends: &str, deadline: &str) -> PhaseForm {
        PhaseForm {
            kind: kind.into(),
            name: String::new(),
            starts_on: starts.into(),
            ends_on: ends.into(),
            deadline: deadline.into(),
        }
    }

    #[test]
    fn rows_without_a_kind_are_left_out_and_dates_are_read() {
        let form = DriveForm {
            title: "创五星".into(),
            start_year: "2026".into(),
            end_year: "2026年".into(),
            phases: vec![
                row("find_problems", "2026-01-01", "2026-02-28", ""),
                row("", "", "", ""),
                row("commit", "2026-03-01", "2026-03-31", "2026-03-15"),
            ],
        };
        let drive = form.drive().unwrap();
        assert_eq!(drive.end_year, 2026);
        assert_eq!(drive.phases.len(), 2);
        assert_eq!(drive.phases[1].kind, PhaseKind::Commit);
        assert!(drive.phases[1].deadline.is_some());
        assert!(drive.checked().is_ok());
    }

    #[test]
    fn bad_rows_say_which_and_what() {
        let form = |phases| DriveForm {
            title: "x".into(),
            start_year: "2026".into(),
            end_year: "2026".into(),
            phases,
        };
        let e = form(vec![row("commit", "2026-3-1x", "2026-03-31", "")])
            .drive()
            .unwrap_err();
        assert!(e.contains("第一阶段的开始日期"), "{e}");
        let e = form(vec![row("nope", "", "", "")]).drive().unwrap_err();
        assert!(e.contains("第一阶段的类型无效"), "{e}");
        let e = DriveForm {
            start_year: "明年".into(),
            ..form(vec![])
        }
        .drive()
        .unwrap_err();
        assert!(e.contains("开始年度"), "{e}");
        let many = vec![row("rating", "2026-12-01", "2026-12-31", ""); 9];
        assert!(
            form(many)
                .drive()
                .unwrap_err()
                .contains("最多设置 8 个阶段")
        );
    }
}
