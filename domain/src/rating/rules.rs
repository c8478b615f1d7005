//! A rating scheme as data: indicators and their criteria, how stars and the level follow,
//! and the red flag's extra conditions. The seed's scheme (`rules/seed.json`) is the default;
//! `rules/points.json` scores points per indicator, as other counties do. A deployment picks
//! one by name or gives its own file (`XINGQI_RATING_RULES`).

use super::registers::{Assessment, Evaluation, HonourLevel};
use crate::activity::ActivityKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub name: String,
    pub indicators: Vec<Indicator>,
    pub stars: StarRule,
    pub levels: LevelRule,
    /// Conditions beyond 先进 for 红旗.
    pub red_flag: Vec<Criterion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    pub criteria: Vec<Criterion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub key: String,
    pub name: String,
    pub kind: CriterionKind,
    /// What it is worth under a points scheme.
    #[serde(default)]
    pub points: u32,
}

/// Who answered, for a satisfaction criterion: members, or the masses pooled (staff, parents
/// and others added option by option).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceGroup {
    Members,
    Masses,
}

/// Which question a satisfaction criterion reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// Satisfaction with the Party organisation.
    Org,
    /// Satisfaction with the branch secretary.
    Secretary,
}

impl Question {
    pub fn key(self) -> &'static str {
        match self {
            Question::Org => crate::ballot::ORG_QUESTION,
            Question::Secretary => crate::ballot::SECRETARY_QUESTION,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CriterionKind {
    /// Member participation over the year ≥ `bar` %.
    Participation { bar: u8 },
    /// These kinds held at the deployment's frequency (`cadence`), and — with `recorded` —
    /// only activities whose minutes were kept count.
    Cadence {
        kinds: Vec<ActivityKind>,
        #[serde(default)]
        recorded: bool,
    },
    /// At least one member from the staff joined in the year, younger than `under` then.
    YoungRecruit { under: u8 },
    /// No violation recorded in the year — by a committee member only, with `committee_only`.
    NoViolation {
        #[serde(default)]
        committee_only: bool,
    },
    /// A campaign's satisfaction ≥ `bar` %. A weighted-score campaign counts only where
    /// `score_bar` maps its score to the bar (its points must reach `score_bar`).
    Satisfaction {
        audience: AudienceGroup,
        question: Question,
        bar: u8,
        #[serde(default)]
        score_bar: Option<u8>,
    },
    /// The 班子年度测评 at least this good.
    Evaluation { at_least: Evaluation },
    /// Every committee member's 考核 at least this good.
    Assessment { at_least: Assessment },
    /// An honour of at least this level in the year.
    Honour { at_least: HonourLevel },
    /// Evidence entered by the branch and approved by the 总支; `checklist` lists what the
    /// evidence must show (the 五有八上墙 of an activity room).
    Attested {
        #[serde(default)]
        checklist: Vec<String>,
    },
}

impl CriterionKind {
    pub fn is_attested(&self) -> bool {
        matches!(self, CriterionKind::Attested { .. })
    }
}

/// How stars follow from the criteria.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum StarRule {
    /// One star per indicator whose every criterion is met.
    PerIndicator,
    /// Points of the met criteria, summed; `bands` give the stars from a point total (the
    /// highest band reached); each cap limits the stars while its criterion is not met.
    Points { bands: Vec<Band>, caps: Vec<Cap> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min_points: u32,
    pub stars: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// A criterion's key (of an indicator or of the red flag).
    pub unless: String,
    pub max_stars: u8,
}

/// How the level follows. 红旗 is always 先进 plus every red-flag condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    /// 先进: every indicator met (`None`), or at least this many stars.
    #[serde(default)]
    pub advanced_min_stars: Option<u8>,
    /// 一般 from this many stars; fewer is 后进.
    pub average_min_stars: u8,
}

const SEED: &str = include_str!("../../rules/seed.json");
const POINTS: &str = include_str!("../../rules/points.json");

impl RuleSet {
    /// The seed school's scheme (`../shared/domain.md`).
    pub fn seed() -> RuleSet {
        RuleSet::parse(SEED).expect("the seed scheme is valid")
    }

    /// A scheme that ships with xingqi, by name: `seed` or `points`.
    pub fn builtin(name: &str) -> Option<RuleSet> {
        match name {
            "seed" => Some(RuleSet::seed()),
            "points" => Some(RuleSet::parse(POINTS).expect("the points scheme is valid")),
            _ => None,
        }
    }

    /// Reads a scheme from JSON and checks it; the message says what is wrong.
    pub fn parse(json: &str) -> Result<RuleSet, String> {
        let set: RuleSet =
            serde_json::from_str(json).map_err(|e| format!("评定规则无法读取：{e}"))?;
        set.check()?;
        Ok(set)
    }

    fn check(&self) -> Result<(), String> {
        if self.indicators.is_empty() {
            return Err("评定规则至少要有一项指标".into());
        }
        let mut keys: Vec<&str> = self.criteria().map(|(_, c)| c.key.as_str()).collect();
        keys.extend(self.indicators.iter().map(|i| i.key.as_str()));
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() != n {
            return Err("评定规则中的指标或条件重复了".into());
        }
        if self.indicators.iter().any(|i| i.criteria.is_empty()) {
            return Err("每项指标至少要有一个条件".into());
        }
        if let StarRule::Points { bands, caps } = &self.stars {
            if bands.is_empty() {
                return Err("按分数评星需要至少一个分数段".into());
            }
            if let Some(c) = caps.iter().find(|c| self.criterion(&c.unless).is_none()) {
                return Err(format!("封顶条件“{}”不在规则中", c.unless));
            }
        }
        Ok(())
    }

    /// Every criterion with its indicator's key (`None` for the red flag's).
    pub fn criteria(&self) -> impl Iterator<Item = (Option<&str>, &Criterion)> {
        self.indicators
            .iter()
            .flat_map(|i| i.criteria.iter().map(move |c| (Some(i.key.as_str()), c)))
            .chain(self.red_flag.iter().map(|c| (None, c)))
    }

    pub fn criterion(&self, key: &str) -> Option<&Criterion> {
        self.criteria().map(|(_, c)| c).find(|c| c.key == key)
    }

    /// The scheme a 总支's own rating follows: the same indicators, stars, levels and red flag,
    /// every criterion attested — its evidence entered by the 总支 and approved by the bureau
    /// (a 总支's figures are its branches', rated branch by branch).
    pub fn attested(&self) -> RuleSet {
        let attest = |c: &Criterion| Criterion {
            kind: match &c.kind {
                CriterionKind::Attested { checklist } => CriterionKind::Attested {
                    checklist: checklist.clone(),
                },
                _ => CriterionKind::Attested {
                    checklist: Vec::new(),
                },
            },
            ..c.clone()
        };
        RuleSet {
            indicators: self
                .indicators
                .iter()
                .map(|i| Indicator {
                    criteria: i.criteria.iter().map(attest).collect(),
                    ..i.clone()
                })
                .collect(),
            red_flag: self.red_flag.iter().map(attest).collect(),
            ..self.clone()
        }
    }

    /// The most stars the scheme gives.
    pub fn max_stars(&self) -> u8 {
        match &self.stars {
            StarRule::PerIndicator => u8::try_from(self.indicators.len()).unwrap_or(u8::MAX),
            StarRule::Points { bands, .. } => bands.iter().map(|b| b.stars).max().unwrap_or(0),
        }
    }
}
