//! Satisfaction figures (满意度测评): raw counts per option in, rates or weighted scores with a
//! 95 % interval and the seed's bars out.
//!
//! Pure functions over counts. Two conventions are in use and a campaign chooses one:
//!
//! - a **rate**: votes in the options counted as satisfied (by default 满意 + 基本满意) ÷ valid
//!   votes, with a Wilson score interval;
//! - a **weighted score**: the mean of the chosen weights (e.g. 100 / 80 / 60 / 30 / 0) over
//!   valid votes, with the Wilson interval of the score read as a share of 100 points.
//!
//! 不了解 is never a valid vote. Whether a bar is met is decided exactly in integers (18 of 20
//! meets "≥ 90 %"); whether it is met *with confidence* asks whether the interval's lower end
//! clears the bar. A group with fewer valid votes than the campaign's minimum gets counts only.

use serde::{Deserialize, Serialize};
use std::ops::Add;

/// The two-sided 95 % normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;
/// The default smallest group whose figure is shown; below it, counts only.
pub const DEFAULT_MIN_GROUP: u32 = 10;
/// The seed's bars, in whole percent (rate) or points out of 100 (weighted score).
pub const STAR_BAR: u32 = 90;
pub const RED_FLAG_BAR: u32 = 95;

/// The answer options a campaign offers, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleKind {
    /// 满意 / 基本满意 / 不满意
    Three,
    /// 很满意 / 满意 / 基本满意 / 不太满意 / 不满意
    Five,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    pub kind: ScaleKind,
    /// Whether 不了解 is offered (last, and never a valid vote).
    pub dont_know: bool,
}

pub const DONT_KNOW_LABEL: &str = "不了解";

impl Scale {
    /// The valid options' labels, best first.
    pub fn labels(&self) -> &'static [&'static str] {
        match self.kind {
            ScaleKind::Three => &["满意", "基本满意", "不满意"],
            ScaleKind::Five => &["很满意", "满意", "基本满意", "不太满意", "不满意"],
        }
    }

    /// How many valid options there are (不了解 not included).
    pub fn len(&self) -> usize {
        self.labels().len()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Every option a respondent can pick, 不了解 last when offered.
    pub fn choices(&self) -> Vec<&'static str> {
        let mut all = self.labels().to_vec();
        if self.dont_know {
            all.push(DONT_KNOW_LABEL);
        }
        all
    }

    /// The default convention: the options that read as satisfied (满意 and 基本满意, and on
    /// five levels also 很满意).
    pub fn default_rate(&self) -> Convention {
        Convention::Rate {
            satisfied: match self.kind {
                ScaleKind::Three => vec![0, 1],
                ScaleKind::Five => vec![0, 1, 2],
            },
        }
    }

    /// The usual weights: 100 / 80 / 0 on three levels, 100 / 80 / 60 / 30 / 0 on five.
    pub fn default_weights(&self) -> Convention {
        Convention::Weighted {
            weights: match self.kind {
                ScaleKind::Three => vec![100, 80, 0],
                ScaleKind::Five => vec![100, 80, 60, 30, 0],
            },
        }
    }
}

/// How a campaign turns counts into one figure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Convention {
    /// Votes in these options (indexes into the scale) ÷ valid votes.
    Rate { satisfied: Vec<u8> },
    /// The mean of a weight (0…100 points) per option over valid votes.
    Weighted { weights: Vec<u8> },
}

impl Convention {
    /// Checks the convention against the scale it is used with; the message is for the form.
    pub fn check(&self, scale: &Scale) -> Result<(), String> {
        match self {
            Convention::Rate { satisfied } => {
                if satisfied.is_empty() {
                    return Err("请至少选择一个计为“满意”的选项".into());
                }
                if satisfied.len() >= scale.len() {
                    return Err("不能把所有选项都计为“满意”".into());
                }
                if satisfied.iter().any(|&i| usize::from(i) >= scale.len()) {
                    return Err("计为“满意”的选项不在量表中".into());
                }
                let mut seen = satisfied.clone();
                seen.sort_unstable();
                seen.dedup();
                if seen.len() != satisfied.len() {
                    return Err("计为“满意”的选项重复了".into());
                }
                Ok(())
            }
            Convention::Weighted { weights } => {
                if weights.len() != scale.len() {
                    return Err(format!("请为每个选项给出权重（共 {} 个）", scale.len()));
                }
                if weights.iter().any(|&w| w > 100) {
                    return Err("权重应在 0 到 100 分之间".into());
                }
                if weights.windows(2).any(|p| p[0] < p[1]) {
                    return Err("权重应从“满意”到“不满意”依次不增".into());
                }
                Ok(())
            }
        }
    }

    pub fn describe(&self, scale: &Scale) -> String {
        let labels = scale.labels();
        match self {
            Convention::Rate { satisfied } => {
                let names: Vec<&str> = satisfied
                    .iter()
                    .filter_map(|&i| labels.get(usize::from(i)).copied())
                    .collect();
                format!("满意率 =（{}）÷ 有效票", names.join(" + "))
            }
            Convention::Weighted { weights } => {
                let parts: Vec<String> = labels
                    .iter()
                    .zip(weights)
                    .map(|(l, w)| format!("{l} {w}"))
                    .collect();
                format!("加权得分（{}）的平均分", parts.join(" / "))
            }
        }
    }
}

/// The raw counts of one question in one group: votes per valid option, and 不了解 apart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Votes per valid option, in the scale's order.
    pub counts: Vec<u32>,
    /// 不了解: counted and shown, never a valid vote.
    pub dont_know: u32,
}

impl Tally {
    pub fn empty(scale: &Scale) -> Self {
        Self {
            counts: vec![0; scale.len()],
            dont_know: 0,
        }
    }

    /// Counts one answer: `choice` indexes [`Scale::choices`] (the last one may be 不了解).
    pub fn record(&mut self, scale: &Scale, choice: usize) {
        if choice < scale.len() {
            if self.counts.len() < scale.len() {
                self.counts.resize(scale.len(), 0);
            }
            self.counts[choice] += 1;
        } else if scale.dont_know && choice == scale.len() {
            self.dont_know += 1;
        }
    }

    /// Valid votes: everything but 不了解.
    pub fn valid(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// Everyone who answered the question, 不了解 included.
    pub fn answered(&self) -> u32 {
        self.valid() + self.dont_know
    }
}

impl Add for Tally {
    type Output = Tally;
    /// Combines two groups (staff + parents = the masses); counts add option by option.
    fn add(mut self, other: Tally) -> Tally {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
        self.dont_know += other.dont_know;
        self
    }
}

/// Whether a figure clears a bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Even the interval's lower end clears the bar.
    MetWithConfidence,
    /// The figure clears the bar but the interval reaches below it.
    Met,
    NotMet,
    /// Fewer valid votes than the campaign's minimum: counts only, no verdict.
    TooFew,
    /// No valid votes at all.
    NoData,
}

impl Verdict {
    pub fn is_met(self) -> bool {
        matches!(self, Verdict::Met | Verdict::MetWithConfidence)
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::MetWithConfidence => "达到（有把握）",
            Verdict::Met => "达到（样本不足以确定）",
            Verdict::NotMet => "未达到",
            Verdict::TooFew => "样本过少，仅列人数",
            Verdict::NoData => "暂无有效票",
        }
    }
}

/// One question's figure in one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub valid: u32,
    pub dont_know: u32,
    /// The rate in [0, 1], or the score in [0, 100]; `None` below the minimum group size.
    pub value: Option<f64>,
    /// The 95 % interval, in the same unit as `value`.
    pub interval: Option<(f64, f64)>,
    /// Against ≥ 90 (% or points).
    pub star: Verdict,
    /// Against ≥ 95 (% or points).
    pub red_flag: Verdict,
}

/// The Wilson score interval for `x` successes in `n` trials, clamped to [0, 1].
pub fn wilson(x: u32, n: u32, z: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    Some(wilson_p(
        f64::from(x.min(n)) / f64::from(n),
        f64::from(n),
        z,
    ))
}

/// The Wilson interval of a share `p` over `n_f` trials, clamped to [0, 1].
fn wilson_p(p: f64, n_f: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z / denom * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The 95 % interval of the weighted score: the Wilson interval of its mean read as a share of
/// the 100 points (score ÷ 100 = p over `n` valid votes), scaled back to points. A vote's
/// score lies in [0, 100], so its variance is at most p·(1 − p)·100²: the interval is
/// conservative, and unlike mean ± z·s/√n it never collapses to a point when every vote is
/// the same (ten votes of 100 give about 72.2–100, not 100–100).
pub fn score_interval(tally: &Tally, weights: &[u8], z: f64) -> Option<(f64, f64)> {
    let n = tally.valid();
    if n == 0 {
        return None;
    }
    let n_f = f64::from(n);
    let p = (weighted_sum(tally, weights) as f64 / n_f / 100.0).clamp(0.0, 1.0);
    let (lo, hi) = wilson_p(p, n_f, z);
    Some((lo * 100.0, hi * 100.0))
}

fn weighted_sum(tally: &Tally, weights: &[u8]) -> u64 {
    tally
        .counts
        .iter()
        .zip(weights)
        .map(|(&c, &w)| u64::from(c) * u64::from(w))
        .sum()
}

fn satisfied_votes(tally: &Tally, satisfied: &[u8]) -> u32 {
    satisfied
        .iter()
        .filter_map(|&i| tally.counts.get(usize::from(i)))
        .sum()
}

/// The value, interval and exact points of a tally under a convention: points are satisfied
/// votes × 100 for a rate, the sum of weights for a score, so `points ≥ valid × bar` decides a
/// bar exactly.
fn measure(tally: &Tally, convention: &Convention) -> (f64, Option<(f64, f64)>, u64) {
    let valid = tally.valid();
    match convention {
        Convention::Rate { satisfied } => {
            let x = satisfied_votes(tally, satisfied);
            let value = if valid == 0 {
                0.0
            } else {
                f64::from(x) / f64::from(valid)
            };
            (value, wilson(x, valid, Z95), u64::from(x) * 100)
        }
        Convention::Weighted { weights } => {
            let sum = weighted_sum(tally, weights);
            let value = if valid == 0 {
                0.0
            } else {
                sum as f64 / f64::from(valid)
            };
            (value, score_interval(tally, weights, Z95), sum)
        }
    }
}

/// Whether a tally clears `bar` (whole percent of a rate, or points of a score): the value
/// decides, exactly; the interval's lower end only says whether it does so with confidence.
pub fn bar_verdict(tally: &Tally, convention: &Convention, min_group: u32, bar: u32) -> Verdict {
    let valid = tally.valid();
    let (_, interval, points) = measure(tally, convention);
    let scale_of_bar = match convention {
        Convention::Rate { .. } => 100.0,
        Convention::Weighted { .. } => 1.0,
    };
    if valid == 0 {
        Verdict::NoData
    } else if valid < min_group.max(1) {
        Verdict::TooFew
    } else if points < u64::from(valid) * u64::from(bar) {
        Verdict::NotMet
    } else if interval.is_some_and(|(lo, _)| lo * scale_of_bar >= f64::from(bar)) {
        Verdict::MetWithConfidence
    } else {
        Verdict::Met
    }
}

/// The figure of one question in one group under a convention.
pub fn figure(tally: &Tally, convention: &Convention, min_group: u32) -> Figure {
    let too_few = tally.valid() < min_group.max(1);
    let (value, interval, _) = measure(tally, convention);
    Figure {
        valid: tally.valid(),
        dont_know: tally.dont_know,
        value: (!too_few).then_some(value),
        interval: if too_few { None } else { interval },
        star: bar_verdict(tally, convention, min_group, STAR_BAR),
        red_flag: bar_verdict(tally, convention, min_group, RED_FLAG_BAR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{interval_text, value_text};
    use proptest::prelude::*;

    const THREE: Scale = Scale {
        kind: ScaleKind::Three,
        dont_know: true,
    };
    const FIVE: Scale = Scale {
        kind: ScaleKind::Five,
        dont_know: false,
    };

    fn tally(counts: &[u32], dont_know: u32) -> Tally {
        Tally {
            counts: counts.to_vec(),
            dont_know,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_hand_worked_examples() {
        // 9 of 10: p = 0.9, z² = 3.8415; centre = (0.9 + 0.19207) / 1.38415 = 0.78899,
        // half = 1.95996 / 1.38415 × √(0.009 + 0.0096037) = 0.19314 → [0.5958, 0.9821].
        let (lo, hi) = wilson(9, 10, Z95).unwrap();
        assert!(close(lo, 0.5958) && close(hi, 0.9821), "{lo} {hi}");
        // 0 of 10 → [0, 0.2775]; 10 of 10 → [0.7225, 1].
        let (lo, hi) = wilson(0, 10, Z95).unwrap();
        assert!(close(lo, 0.0) && close(hi, 0.2775), "{lo} {hi}");
        let (lo, hi) = wilson(10, 10, Z95).unwrap();
        assert!(close(lo, 0.7225) && close(hi, 1.0), "{lo} {hi}");
        // 190 of 200 (95 %) → [0.9105, 0.9725].
        let (lo, hi) = wilson(190, 200, Z95).unwrap();
        assert!(close(lo, 0.9105) && close(hi, 0.9725), "{lo} {hi}");
        assert_eq!(wilson(0, 0, Z95), None);
    }

    #[test]
    fn rate_counts_satisfied_options_over_valid_votes_and_ignores_dont_know() {
        // 满意 12, 基本满意 6, 不满意 2, 不了解 5: valid 20, satisfied 18 → exactly 90 %.
        let t = tally(&[12, 6, 2], 5);
        let f = figure(&t, &THREE.default_rate(), DEFAULT_MIN_GROUP);
        assert_eq!((f.valid, f.dont_know), (20, 5));
        assert!(close(f.value.unwrap(), 0.9));
        assert_eq!(f.star, Verdict::Met, "exactly 90 % meets ≥ 90 %");
        assert_eq!(f.red_flag, Verdict::NotMet);
        assert_eq!(value_text(&f, &THREE.default_rate()), "90.0%");
        // One satisfied vote fewer is below the bar, however close.
        let f = figure(&tally(&[12, 5, 3], 5), &THREE.default_rate(), 10);
        assert_eq!(f.star, Verdict::NotMet);
        assert_eq!(value_text(&f, &THREE.default_rate()), "85.0%");
    }

    #[test]
    fn only_the_chosen_options_count_as_satisfied() {
        let strict = Convention::Rate { satisfied: vec![0] };
        let f = figure(&tally(&[12, 6, 2], 0), &strict, 10);
        assert!(close(f.value.unwrap(), 0.6));
        assert_eq!(f.star, Verdict::NotMet);
    }

    #[test]
    fn a_large_sample_meets_the_bar_with_confidence() {
        // 392 of 400 = 98 %: Wilson lower end ≈ 0.9610 ≥ 0.95.
        let f = figure(&tally(&[300, 92, 8], 0), &THREE.default_rate(), 10);
        assert_eq!(f.red_flag, Verdict::MetWithConfidence);
        assert_eq!(f.star, Verdict::MetWithConfidence);
        // 20 of 20 = 100 %, but the lower end (0.8389) is below 90 %: met, not with confidence.
        let f = figure(&tally(&[15, 5, 0], 0), &THREE.default_rate(), 10);
        assert_eq!(f.star, Verdict::Met);
    }

    #[test]
    fn weighted_score_matches_a_hand_worked_example() {
        // Five levels 100/80/60/30/0; votes 6, 3, 1, 0, 0 → (600 + 240 + 60) / 10 = 90 points.
        // The interval is Wilson's for p = 0.9 over n = 10: centre (0.9 + z²/20) / (1 + z²/10)
        // = 0.78898, half 1.41599 × √(0.009 + 0.0096037) = 0.19313 → [59.585, 98.212].
        let conv = FIVE.default_weights();
        let f = figure(&tally(&[6, 3, 1, 0, 0], 0), &conv, 10);
        assert!(close(f.value.unwrap(), 90.0));
        let (lo, hi) = f.interval.unwrap();
        assert!(
            (lo - 59.585).abs() < 0.01 && (hi - 98.212).abs() < 0.01,
            "{lo} {hi}"
        );
        assert_eq!(f.star, Verdict::Met, "exactly 90 points meets ≥ 90");
        assert_eq!(f.red_flag, Verdict::NotMet);
        assert_eq!(value_text(&f, &conv), "90.0 分");
        assert_eq!(
            interval_text(&f, &conv),
            "59.5–98.3 分",
            "ends rounded outward"
        );
    }

    #[test]
    fn a_weighted_score_interval_never_collapses_when_every_vote_is_the_same() {
        let conv = FIVE.default_weights();
        let f = figure(&tally(&[10, 0, 0, 0, 0], 0), &conv, 10);
        let (lo, hi) = f.interval.unwrap();
        assert!(close(hi, 100.0) && (lo - 72.25).abs() < 0.01, "{lo} {hi}");
        let f = figure(&tally(&[0, 0, 0, 0, 12], 0), &conv, 10);
        let (lo, hi) = f.interval.unwrap();
        assert!(lo < 1e-9 && hi > 20.0, "{lo} {hi}");
    }

    #[test]
    fn small_groups_get_counts_only() {
        let f = figure(&tally(&[5, 1, 0], 2), &THREE.default_rate(), 10);
        assert_eq!((f.valid, f.dont_know), (6, 2));
        assert_eq!((f.value, f.interval), (None, None));
        assert_eq!(f.star, Verdict::TooFew);
        let f = figure(&tally(&[0, 0, 0], 4), &THREE.default_rate(), 10);
        assert_eq!(f.star, Verdict::NoData);
        assert_eq!(value_text(&f, &THREE.default_rate()), "—");
    }

    #[test]
    fn masses_combine_staff_and_parents_option_by_option() {
        let staff = tally(&[10, 2, 1], 1);
        let parents = tally(&[30, 5, 0], 4);
        assert_eq!(staff + parents, tally(&[40, 7, 1], 5));
    }

    #[test]
    fn recording_choices_fills_the_tally() {
        let mut t = Tally::empty(&THREE);
        for choice in [0, 0, 1, 2, 3, 9] {
            t.record(&THREE, choice);
        }
        assert_eq!(
            t,
            tally(&[2, 1, 1], 1),
            "不了解 counted apart, out-of-range ignored"
        );
        assert_eq!(
            THREE.choices(),
            vec!["满意", "基本满意", "不满意", "不了解"]
        );
    }

    #[test]
    fn conventions_are_checked_against_their_scale() {
        assert!(THREE.default_rate().check(&THREE).is_ok());
        assert!(FIVE.default_weights().check(&FIVE).is_ok());
        assert!(
            Convention::Rate { satisfied: vec![] }
                .check(&THREE)
                .is_err()
        );
        assert!(
            Convention::Rate {
                satisfied: vec![0, 1, 2]
            }
            .check(&THREE)
            .is_err()
        );
        assert!(
            Convention::Rate { satisfied: vec![3] }
                .check(&THREE)
                .is_err()
        );
        assert!(
            Convention::Rate {
                satisfied: vec![0, 0]
            }
            .check(&THREE)
            .is_err()
        );
        assert!(
            Convention::Weighted {
                weights: vec![100, 80]
            }
            .check(&THREE)
            .is_err()
        );
        assert!(
            Convention::Weighted {
                weights: vec![100, 101, 0]
            }
            .check(&THREE)
            .is_err()
        );
        assert!(
            Convention::Weighted {
                weights: vec![0, 80, 100]
            }
            .check(&THREE)
            .is_err()
        );
        assert_eq!(
            THREE.default_rate().describe(&THREE),
            "满意率 =（满意 + 基本满意）÷ 有效票"
        );
    }

    proptest! {
        #[test]
        fn the_rate_verdict_agrees_with_exact_arithmetic(
            counts in proptest::collection::vec(0u32..200, 3),
            dont_know in 0u32..50,
        ) {
            let t = tally(&counts, dont_know);
            let f = figure(&t, &THREE.default_rate(), 1);
            let valid = t.valid();
            prop_assume!(valid > 0);
            let x = counts[0] + counts[1];
            prop_assert_eq!(f.star.is_met(), x * 100 >= valid * 90);
            prop_assert_eq!(f.red_flag.is_met(), x * 100 >= valid * 95);
            let (lo, hi) = f.interval.unwrap();
            let p = f.value.unwrap();
            prop_assert!(0.0 <= lo && lo <= p + 1e-12 && p <= hi + 1e-12 && hi <= 1.0);
            // Confidence is never claimed where the plain bar is missed.
            if f.star == Verdict::MetWithConfidence { prop_assert!(lo >= 0.9); }
            // The text never shows a figure that looks like the bar when the bar is missed.
            let text = value_text(&f, &THREE.default_rate());
            let shown: f64 = text.trim_end_matches('%').parse().unwrap();
            prop_assert_eq!(shown >= 90.0, f.star.is_met(), "{} shown", text);
        }

        #[test]
        fn the_score_lies_between_the_lowest_and_highest_weight_voted(
            counts in proptest::collection::vec(0u32..100, 5),
        ) {
            let t = tally(&counts, 0);
            prop_assume!(t.valid() > 0);
            let conv = FIVE.default_weights();
            let f = figure(&t, &conv, 1);
            let weights = [100.0, 80.0, 60.0, 30.0, 0.0];
            let voted: Vec<f64> = counts.iter().zip(weights).filter(|(c, _)| **c > 0).map(|(_, w)| w).collect();
            let v = f.value.unwrap();
            let max = voted.iter().cloned().fold(f64::MIN, f64::max);
            let min = voted.iter().cloned().fold(f64::MAX, f64::min);
            prop_assert!(min - 1e-9 <= v && v <= max + 1e-9);
            let (lo, hi) = f.interval.unwrap();
            prop_assert!(0.0 <= lo && lo <= v + 1e-9 && v <= hi + 1e-9 && hi <= 100.0);
        }

        #[test]
        fn combining_groups_adds_valid_votes(
            a in proptest::collection::vec(0u32..100, 3),
            b in proptest::collection::vec(0u32..100, 3),
            da in 0u32..20, db in 0u32..20,
        ) {
            let (ta, tb) = (tally(&a, da), tally(&b, db));
            let sum = ta.clone() + tb.clone();
            prop_assert_eq!(sum.valid(), ta.valid() + tb.valid());
            prop_assert_eq!(sum.answered(), ta.answered() + tb.answered());
        }
    }
}
