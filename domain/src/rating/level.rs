//! Stars, the level, the red flag, 晋位升级 and a target's outlook, from judged criteria.

use super::inputs::Inputs;
use super::rules::{Criterion, RuleSet, StarRule};
use super::{CriterionResult, State, judge};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 后进 < 一般 < 先进 < 红旗.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Lagging,
    Average,
    Advanced,
    RedFlag,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::RedFlag,
        Level::Advanced,
        Level::Average,
        Level::Lagging,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Lagging => "lagging",
            Level::Average => "average",
            Level::Advanced => "advanced",
            Level::RedFlag => "red_flag",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s || l.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Lagging => "后进",
            Level::Average => "一般",
            Level::Advanced => "先进",
            Level::RedFlag => "红旗",
        }
    }
}

/// One indicator judged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub key: String,
    pub name: String,
    pub met: bool,
    /// Points of its met criteria, and what it is worth (points schemes).
    pub points: u32,
    pub max_points: u32,
    pub criteria: Vec<CriterionResult>,
}

/// The rating of one organisation for one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub scheme: String,
    pub year: i32,
    pub stars: u8,
    pub max_stars: u8,
    /// The point total, under a points scheme.
    pub points: Option<u32>,
    pub level: Level,
    /// Whether every red-flag condition beyond 先进 is met.
    pub red_flag_conditions_met: bool,
    pub indicators: Vec<IndicatorResult>,
    pub red_flag: Vec<CriterionResult>,
}

/// Stars, points and level when exactly the criteria `met` says are met.
pub fn level_of(rules: &RuleSet, met: impl Fn(&Criterion) -> bool) -> (u8, Option<u32>, Level) {
    let indicators_met: Vec<bool> = rules
        .indicators
        .iter()
        .map(|i| i.criteria.iter().all(&met))
        .collect();
    let (stars, points) = match &rules.stars {
        StarRule::PerIndicator => (
            u8::try_from(indicators_met.iter().filter(|m| **m).count()).unwrap_or(u8::MAX),
            None,
        ),
        StarRule::Points { bands, caps } => {
            let total: u32 = rules
                .indicators
                .iter()
                .flat_map(|i| &i.criteria)
                .filter(|c| met(c))
                .map(|c| c.points)
                .sum();
            let mut stars = bands
                .iter()
                .filter(|b| total >= b.min_points)
                .map(|b| b.stars)
                .max()
                .unwrap_or(0);
            for cap in caps {
                if !rules.criterion(&cap.unless).is_some_and(&met) {
                    stars = stars.min(cap.max_stars);
                }
            }
            (stars, Some(total))
        }
    };
    let advanced = match rules.levels.advanced_min_stars {
        None => indicators_met.iter().all(|m| *m),
        Some(n) => stars >= n,
    };
    let level = if advanced && rules.red_flag.iter().all(&met) {
        Level::RedFlag
    } else if advanced {
        Level::Advanced
    } else if stars >= rules.levels.average_min_stars {
        Level::Average
    } else {
        Level::Lagging
    };
    (stars, points, level)
}

/// Judges every criterion of `rules` against `inputs` and gives the rating.
pub fn rate(rules: &RuleSet, inputs: &Inputs<'_>) -> Rating {
    let indicators: Vec<IndicatorResult> = rules
        .indicators
        .iter()
        .map(|i| {
            let criteria: Vec<CriterionResult> =
                i.criteria.iter().map(|c| judge(c, inputs)).collect();
            let points = i
                .criteria
                .iter()
                .zip(&criteria)
                .filter(|(_, r)| r.state == State::Met)
                .map(|(c, _)| c.points)
                .sum();
            IndicatorResult {
                key: i.key.clone(),
                name: i.name.clone(),
                met: criteria.iter().all(|c| c.state == State::Met),
                points,
                max_points: i.criteria.iter().map(|c| c.points).sum(),
                criteria,
            }
        })
        .collect();
    let red_flag: Vec<CriterionResult> = rules.red_flag.iter().map(|c| judge(c, inputs)).collect();
    let results: Vec<&CriterionResult> = indicators
        .iter()
        .flat_map(|i| &i.criteria)
        .chain(&red_flag)
        .collect();
    let (stars, points, level) = level_of(rules, |c| {
        results
            .iter()
            .any(|r| r.key == c.key && r.state == State::Met)
    });
    Rating {
        scheme: rules.name.clone(),
        year: inputs.year,
        stars,
        max_stars: rules.max_stars(),
        points,
        level,
        red_flag_conditions_met: red_flag.iter().all(|c| c.state == State::Met),
        indicators,
        red_flag,
    }
}

impl Rating {
    /// Every criterion, the red flag's last.
    pub fn criteria(&self) -> impl Iterator<Item = &CriterionResult> {
        self.indicators
            .iter()
            .flat_map(|i| &i.criteria)
            .chain(&self.red_flag)
    }
}

/// The best level still reachable: every criterion met that `open` says may still be.
pub fn best_case(
    rules: &RuleSet,
    rating: &Rating,
    open: impl Fn(&CriterionResult) -> bool,
) -> Level {
    level_of(rules, |c| {
        rating
            .criteria()
            .any(|r| r.key == c.key && (r.state == State::Met || open(r)))
    })
    .2
}

/// 晋位升级: this year's level against last year's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Up,
    Same,
    Down,
}

impl Trend {
    pub fn label(self) -> &'static str {
        match self {
            Trend::Up => "升",
            Trend::Same => "持平",
            Trend::Down => "降",
        }
    }
}

pub fn trend(this_year: Level, last_year: Level) -> Trend {
    match this_year.cmp(&last_year) {
        std::cmp::Ordering::Greater => Trend::Up,
        std::cmp::Ordering::Equal => Trend::Same,
        std::cmp::Ordering::Less => Trend::Down,
    }
}

/// How a target stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outlook {
    /// The level is reached.
    Achieved,
    OnTrack,
    /// A criterion it needs can no longer be met with what is scheduled, or an attested one
    /// has no evidence a month before the deadline.
    AtRisk,
    /// The deadline passed below the level.
    Missed,
}

impl Outlook {
    pub fn label(self) -> &'static str {
        match self {
            Outlook::Achieved => "已达成",
            Outlook::OnTrack => "进展正常",
            Outlook::AtRisk => "有风险",
            Outlook::Missed => "未达成",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetCheck {
    pub outlook: Outlook,
    /// The criteria that put it at risk, by name.
    pub reasons: Vec<String>,
}

/// How far the attested evidence may wait before a deadline.
pub const EVIDENCE_LEAD_DAYS: i64 = 30;

/// A target of `level` by `deadline`, judged on `rating` (the rating of the deadline's year) on
/// `today`.
pub fn target_check(
    rules: &RuleSet,
    rating: &Rating,
    level: Level,
    deadline: NaiveDate,
    today: NaiveDate,
) -> TargetCheck {
    if rating.level >= level {
        return TargetCheck {
            outlook: Outlook::Achieved,
            reasons: Vec::new(),
        };
    }
    if today > deadline {
        return TargetCheck {
            outlook: Outlook::Missed,
            reasons: Vec::new(),
        };
    }
    let late = (deadline - today).num_days() <= EVIDENCE_LEAD_DAYS;
    let open = |r: &CriterionResult| !(r.at_risk || (late && r.state == State::AwaitingEvidence));
    if best_case(rules, rating, open) >= level {
        return TargetCheck {
            outlook: Outlook::OnTrack,
            reasons: Vec::new(),
        };
    }
    let reasons = rating
        .criteria()
        .filter(|r| r.state != State::Met && !open(r))
        .map(|r| {
            if r.state == State::AwaitingEvidence {
                format!("{}：截止前一个月仍未提交佐证", r.name)
            } else if r.lost {
                format!("{}：本年度已无法达到", r.name)
            } else {
                format!("{}：已安排的活动不足以达到", r.name)
            }
        })
        .collect();
    TargetCheck {
        outlook: Outlook::AtRisk,
        reasons,
    }
}
