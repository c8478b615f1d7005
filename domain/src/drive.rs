//! The 争创活动: the campaign the seed plan runs over one or more years ("campaign" already
//! names a survey 测评 here), its phases with their dates, and where a day falls in them.
//! A 总支 runs its own, or a bureau runs one for every school below it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Most phases a 争创活动 holds (four a year over two years), longest title and phase name.
pub const MAX_PHASES: usize = 8;
pub const MAX_TITLE_CHARS: usize = 60;
pub const MAX_NAME_CHARS: usize = 20;
/// Most years one 争创活动 spans.
pub const MAX_YEARS: i32 = 5;

/// What a phase is for: the seed's three phases and the annual rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// 查找问题: each branch writes its annual plan (年度争创方案).
    FindProblems,
    /// 公开承诺: each branch publishes its commitment letter (承诺书) by the deadline.
    Commit,
    /// 整改落实: the rectification tasks are carried out.
    Rectify,
    /// 考评: the annual rating; the evidence goes in.
    Rating,
}

impl PhaseKind {
    pub const ALL: [PhaseKind; 4] = [
        PhaseKind::FindProblems,
        PhaseKind::Commit,
        PhaseKind::Rectify,
        PhaseKind::Rating,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PhaseKind::FindProblems => "find_problems",
            PhaseKind::Commit => "commit",
            PhaseKind::Rectify => "rectify",
            PhaseKind::Rating => "rating",
        }
    }

    pub fn parse(s: &str) -> Option<PhaseKind> {
        PhaseKind::ALL.into_iter().find(|k| k.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PhaseKind::FindProblems => "查找问题",
            PhaseKind::Commit => "公开承诺",
            PhaseKind::Rectify => "整改落实",
            PhaseKind::Rating => "年度考评",
        }
    }

    /// What each branch (and the 总支) owes by the phase's deadline.
    pub fn owed(self) -> &'static str {
        match self {
            PhaseKind::FindProblems => "制定年度争创方案（查找问题、确定目标、四项整改任务）",
            PhaseKind::Commit => "公开承诺书，接受群众监督",
            PhaseKind::Rectify => "落实整改任务，记录进展和佐证",
            PhaseKind::Rating => "提交评定佐证，等待总支审核",
        }
    }
}

/// One phase: its days (both included) and, where something is owed before its end, the
/// deadline (the commitment phase's "by mid-month").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub kind: PhaseKind,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

impl Phase {
    /// The day by which the phase's work is owed: its deadline, else its last day.
    pub fn due_on(&self) -> NaiveDate {
        self.deadline.unwrap_or(self.ends_on)
    }
}

/// A 争创活动: its title, the years it spans and its phases in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drive {
    pub title: String,
    pub start_year: i32,
    pub end_year: i32,
    pub phases: Vec<Phase>,
}

fn day(year: i32, month: u32, d: u32) -> NaiveDate {
    // Every date below exists in every year (February's last day is found, not assumed).
    NaiveDate::from_ymd_opt(year, month, d).unwrap_or(NaiveDate::MIN)
}

impl Drive {
    /// The seed plan's shape for `year`: 查找问题 in January and February, 公开承诺 in March with
    /// the letters due by the 15th, 整改落实 from April to November, the rating in December.
    pub fn seed(year: i32) -> Drive {
        let feb_end = day(year, 3, 1).pred_opt().unwrap_or(NaiveDate::MIN);
        let phase = |kind: PhaseKind, starts_on, ends_on, deadline| Phase {
            kind,
            name: kind.label().to_owned(),
            starts_on,
            ends_on,
            deadline,
        };
        Drive {
            title: format!("{year}年度“创五星、争红旗”晋位升级活动"),
            start_year: year,
            end_year: year,
            phases: vec![
                phase(PhaseKind::FindProblems, day(year, 1, 1), feb_end, None),
                phase(
                    PhaseKind::Commit,
                    day(year, 3, 1),
                    day(year, 3, 31),
                    Some(day(year, 3, 15)),
                ),
                phase(PhaseKind::Rectify, day(year, 4, 1), day(year, 11, 30), None),
                phase(PhaseKind::Rating, day(year, 12, 1), day(year, 12, 31), None),
            ],
        }
    }

    /// Trimmed and checked, or what to fix: a title, at most [`MAX_YEARS`] years, 1 to
    /// [`MAX_PHASES`] phases in order without overlap, each inside the years, a deadline
    /// inside its phase.
    pub fn checked(mut self) -> Result<Drive, String> {
        self.title = self.title.trim().to_owned();
        let chars = self.title.chars().count();
        if chars == 0 || chars > MAX_TITLE_CHARS {
            return Err(format!("请填写活动名称（最多 {MAX_TITLE_CHARS} 字）"));
        }
        if self.end_year < self.start_year {
            return Err("结束年度不能早于开始年度".into());
        }
        if self.end_year - self.start_year >= MAX_YEARS {
            return Err(format!("一个争创活动最多跨 {MAX_YEARS} 个年度"));
        }
        if self.phases.is_empty() || self.phases.len() > MAX_PHASES {
            return Err(format!("请设置 1 至 {MAX_PHASES} 个阶段"));
        }
        let mut previous_end: Option<NaiveDate> = None;
        for (i, p) in self.phases.iter_mut().enumerate() {
            let n = ordinal(i + 1);
            p.name = p.name.trim().to_owned();
            if p.name.is_empty() {
                p.name = p.kind.label().to_owned();
            }
            if p.name.chars().count() > MAX_NAME_CHARS {
                return Err(format!("第{n}阶段的名称最多 {MAX_NAME_CHARS} 字"));
            }
            if p.ends_on < p.starts_on {
                return Err(format!("第{n}阶段的结束日期早于开始日期"));
            }
            if p.starts_on.year() < self.start_year || p.ends_on.year() > self.end_year {
                return Err(format!(
                    "第{n}阶段应在 {} 年至 {} 年之内",
                    self.start_year, self.end_year
                ));
            }
            if let Some(d) = p.deadline
                && (d < p.starts_on || d > p.ends_on)
            {
                return Err(format!("第{n}阶段的截止日期应在本阶段之内"));
            }
            if previous_end.is_some_and(|end| p.starts_on <= end) {
                return Err(format!(
                    "第{n}阶段应在上一阶段结束之后开始（阶段按时间先后排列，不能重叠）"
                ));
            }
            previous_end = Some(p.ends_on);
        }
        Ok(self)
    }

    /// Where `today` falls.
    pub fn at(&self, today: NaiveDate) -> Place<'_> {
        for (i, p) in self.phases.iter().enumerate() {
            if today < p.starts_on {
                return if i == 0 {
                    Place::Before {
                        first: p,
                        days: (p.starts_on - today).num_days(),
                    }
                } else {
                    Place::Between {
                        next: p,
                        position: i + 1,
                        days: (p.starts_on - today).num_days(),
                    }
                };
            }
            if today <= p.ends_on {
                return Place::In {
                    phase: p,
                    position: i + 1,
                };
            }
        }
        Place::After
    }
}

/// Where a day falls in a 争创活动.
#[derive(Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// Before the first phase, `days` to go.
    Before { first: &'a Phase, days: i64 },
    /// In phase `position` (from 1).
    In { phase: &'a Phase, position: usize },
    /// Between phases: phase `position` starts in `days`.
    Between {
        next: &'a Phase,
        position: usize,
        days: i64,
    },
    /// Every phase is over.
    After,
}

/// 一 to 十 for phase numbers (at most [`MAX_PHASES`]).
pub fn ordinal(n: usize) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        .get(n.wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

fn days_text(days: i64) -> String {
    match days {
        0 => "今天截止".into(),
        d => format!("还有 {d} 天"),
    }
}

/// The line every signed-in page shows: "第二阶段：公开承诺，还有 6 天" (days to the phase's
/// deadline while it is ahead, else to its end).
pub fn banner(place: &Place<'_>, today: NaiveDate) -> Option<String> {
    match place {
        Place::Before { first, days } => Some(format!(
            "争创活动将于 {} 开始（第一阶段：{}，还有 {days} 天）",
            first.starts_on, first.name
        )),
        Place::In { phase, position } => {
            let (until, what) = match phase.deadline {
                Some(d) if d >= today => (d, format!("，{}前{}", md(d), short_owed(phase.kind))),
                _ => (phase.ends_on, String::new()),
            };
            Some(format!(
                "第{}阶段：{}，{}{what}",
                ordinal(*position),
                phase.name,
                days_text((until - today).num_days())
            ))
        }
        Place::Between {
            next,
            position,
            days,
        } => Some(format!(
            "第{}阶段：{}将于{}开始（还有 {days} 天）",
            ordinal(*position),
            next.name,
            md(next.starts_on)
        )),
        Place::After => None,
    }
}

fn md(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

fn short_owed(kind: PhaseKind) -> &'static str {
    match kind {
        PhaseKind::FindProblems => "完成年度争创方案",
        PhaseKind::Commit => "公开承诺书",
        PhaseKind::Rectify => "完成整改任务",
        PhaseKind::Rating => "提交评定佐证",
    }
}

/// The to-do line of the phase `today` falls in, for those who owe its work: what, by when,
/// and how many days are left (negative once the deadline passed within the phase).
pub fn owed_today(place: &Place<'_>, today: NaiveDate) -> Option<(PhaseKind, String, i64)> {
    let Place::In { phase, position } = place else {
        return None;
    };
    let due = phase.due_on();
    let left = (due - today).num_days();
    let when = if left >= 0 {
        format!("须在{}前完成，{}", md(due), days_text(left))
    } else {
        format!("已过{}的截止日期 {} 天", md(due), -left)
    };
    Some((
        phase.kind,
        format!(
            "第{}阶段（{}）：{}，{when}",
            ordinal(*position),
            phase.name,
            phase.kind.owed()
        ),
        left,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_seed_plan_checks_and_covers_its_year() {
        for year in [2024, 2026] {
            let drive = Drive::seed(year).checked().unwrap();
            assert_eq!(drive.phases.len(), 4);
            assert_eq!(
                drive.phases[0].ends_on.succ_opt(),
                Some(drive.phases[1].starts_on)
            );
            assert_eq!(drive.phases[1].deadline, Some(d(&format!("{year}-03-15"))));
            assert_eq!(drive.phases[3].ends_on, d(&format!("{year}-12-31")));
        }
        assert_eq!(Drive::seed(2024).phases[0].ends_on, d("2024-02-29"));
    }

    #[test]
    fn where_today_falls_and_the_banner() {
        let drive = Drive::seed(2026);
        let at = |s: &str| banner(&drive.at(d(s)), d(s));
        assert_eq!(
            at("2026-03-09").as_deref(),
            Some("第二阶段：公开承诺，还有 6 天，3月15日前公开承诺书")
        );
        assert_eq!(
            at("2026-03-15").as_deref(),
            Some("第二阶段：公开承诺，今天截止，3月15日前公开承诺书")
        );
        // After the deadline, the days to the phase's end.
        assert_eq!(
            at("2026-03-16").as_deref(),
            Some("第二阶段：公开承诺，还有 15 天")
        );
        assert_eq!(
            at("2026-01-01").as_deref(),
            Some("第一阶段：查找问题，还有 58 天")
        );
        assert_eq!(
            at("2025-12-30").as_deref(),
            Some("争创活动将于 2026-01-01 开始（第一阶段：查找问题，还有 2 天）")
        );
        assert_eq!(at("2027-01-01"), None);
        let mut gap = Drive::seed(2026);
        gap.phases[2].starts_on = d("2026-04-10");
        assert_eq!(
            banner(&gap.at(d("2026-04-03")), d("2026-04-03")).as_deref(),
            Some("第三阶段：整改落实将于4月10日开始（还有 7 天）")
        );
    }

    #[test]
    fn what_is_owed_counts_down_to_the_deadline_then_up() {
        let drive = Drive::seed(2026);
        let owed = |s: &str| owed_today(&drive.at(d(s)), d(s));
        let (kind, text, left) = owed("2026-03-10").unwrap();
        assert_eq!((kind, left), (PhaseKind::Commit, 5));
        assert!(text.contains("须在3月15日前完成，还有 5 天"), "{text}");
        let (_, text, left) = owed("2026-03-20").unwrap();
        assert_eq!(left, -5);
        assert!(text.contains("已过3月15日的截止日期 5 天"), "{text}");
        assert_eq!(owed("2027-02-01"), None);
    }

    #[test]
    fn a_drive_is_refused_with_the_reason() {
        let seed = || Drive::seed(2026);
        let refused = |drive: Drive, part: &str| {
            let e = drive.checked().unwrap_err();
            assert!(e.contains(part), "{e} should say {part}");
        };
        refused(
            Drive {
                title: " ".into(),
                ..seed()
            },
            "活动名称",
        );
        refused(
            Drive {
                end_year: 2025,
                ..seed()
            },
            "结束年度",
        );
        refused(
            Drive {
                end_year: 2031,
                ..seed()
            },
            "最多跨 5 个年度",
        );
        refused(
            Drive {
                phases: vec![],
                ..seed()
            },
            "1 至 8 个阶段",
        );
        let mut overlap = seed();
        overlap.phases[1].starts_on = d("2026-02-28");
        refused(overlap, "第二阶段应在上一阶段结束之后开始");
        let mut outside = seed();
        outside.phases[3].ends_on = d("2027-01-15");
        refused(outside, "第四阶段应在 2026 年至 2026 年之内");
        let mut late = seed();
        late.phases[1].deadline = Some(d("2026-04-02"));
        refused(late, "第二阶段的截止日期");
        let mut backwards = seed();
        backwards.phases[2].ends_on = d("2026-03-31");
        refused(backwards, "第三阶段的结束日期早于开始日期");
        // A blank name takes the kind's; the boundaries themselves are fine.
        let mut edge = seed();
        edge.phases[0].name = "  ".into();
        edge.phases[1].deadline = Some(d("2026-03-31"));
        let edge = edge.checked().unwrap();
        assert_eq!(edge.phases[0].name, "查找问题");
    }

    #[test]
    fn kinds_round_trip() {
        for k in PhaseKind::ALL {
            assert_eq!(PhaseKind::parse(k.key()), Some(k));
        }
        assert_eq!(PhaseKind::parse("x"), None);
        assert_eq!(ordinal(1), "一");
        assert_eq!(ordinal(8), "八");
        assert_eq!(ordinal(0), "");
    }
}
