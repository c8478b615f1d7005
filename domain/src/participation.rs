//! Participation (党员参与率): 实到 ÷ 应到, summed over activities, against the seed's ≥ 90 % bar.
//!
//! Pure functions over counts, used by the server for every figure it shows. The arithmetic is
//! done in integers so that the boundary is exact: 9 of 10 meets "≥ 90 %", 8.999… never does.
//! Excused absence (请假) is not presence: only members actually present count in `present`.

use serde::{Deserialize, Serialize};
use std::ops::Add;

/// The seed school's bar for member participation, in whole percent.
pub const SEED_PARTICIPATION_BAR: Percent = Percent(90);

/// A bar in whole percent: `Percent(90)` reads "≥ 90 %".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Percent(pub u8);

/// 应到 and 实到 of one activity, or of many summed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// 应到: the members the activity is for, fixed when it was scheduled.
    pub expected: u32,
    /// 实到: the expected members who were present.
    pub present: u32,
}

/// Whether a figure meets its bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BarStatus {
    Met,
    NotMet,
    /// Nothing to measure yet (应到 is zero).
    NoData,
}

impl Attendance {
    /// Counts as they come from storage. More present than expected is a bug upstream, so the
    /// present count is capped rather than allowed to push a rate above 100 %.
    pub fn new(expected: u32, present: u32) -> Self {
        Self {
            expected,
            present: present.min(expected),
        }
    }

    /// Sums the counts of many activities (a branch over a month, quarter or year).
    pub fn total(items: impl IntoIterator<Item = Attendance>) -> Self {
        items.into_iter().fold(Self::default(), Add::add)
    }

    /// The rate as a fraction in [0, 1], or `None` when nobody was expected.
    pub fn rate(&self) -> Option<f64> {
        (self.expected > 0).then(|| f64::from(self.present) / f64::from(self.expected))
    }

    /// Whether `present / expected ≥ bar`, decided exactly in integers.
    pub fn status(&self, bar: Percent) -> BarStatus {
        if self.expected == 0 {
            BarStatus::NoData
        } else if u64::from(self.present) * 100 >= u64::from(self.expected) * u64::from(bar.0) {
            BarStatus::Met
        } else {
            BarStatus::NotMet
        }
    }

    /// The rate as text with one decimal, rounded *down* so that a figure shown as "90.0%"
    /// always meets a 90 % bar. "—" when nobody was expected.
    pub fn percent_text(&self) -> String {
        if self.expected == 0 {
            return "—".to_owned();
        }
        let per_mille = u64::from(self.present) * 1000 / u64::from(self.expected);
        format!("{}.{}%", per_mille / 10, per_mille % 10)
    }
}

impl Add for Attendance {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self {
            expected: self.expected.saturating_add(other.expected),
            present: self.present.saturating_add(other.present),
        }
    }
}

/// A figure as the server computed it: the counts, the rate as text, the verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub attendance: Attendance,
    pub rate_text: String,
    pub status: BarStatus,
}

impl Figure {
    pub fn of(attendance: Attendance, bar: Percent) -> Self {
        Self {
            attendance,
            rate_text: attendance.percent_text(),
            status: attendance.status(bar),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exactly_ninety_percent_meets_the_bar() {
        assert_eq!(
            Attendance::new(10, 9).status(SEED_PARTICIPATION_BAR),
            BarStatus::Met
        );
        assert_eq!(Attendance::new(20, 18).percent_text(), "90.0%");
    }

    #[test]
    fn just_below_ninety_percent_does_not() {
        // 899 / 1000 = 89.9 %; 8 / 9 = 88.8… %
        assert_eq!(
            Attendance::new(1000, 899).status(SEED_PARTICIPATION_BAR),
            BarStatus::NotMet
        );
        assert_eq!(
            Attendance::new(9, 8).status(SEED_PARTICIPATION_BAR),
            BarStatus::NotMet
        );
        assert_eq!(Attendance::new(9, 8).percent_text(), "88.8%");
    }

    #[test]
    fn text_never_rounds_up_to_the_bar() {
        // 8999 / 10000 = 89.99 %: shown as 89.9 %, not 90.0 %
        let a = Attendance::new(10_000, 8_999);
        assert_eq!(a.percent_text(), "89.9%");
        assert_eq!(a.status(SEED_PARTICIPATION_BAR), BarStatus::NotMet);
    }

    #[test]
    fn nobody_expected_is_no_data_not_a_zero_rate() {
        let a = Attendance::new(0, 0);
        assert_eq!(a.rate(), None);
        assert_eq!(a.status(SEED_PARTICIPATION_BAR), BarStatus::NoData);
        assert_eq!(a.percent_text(), "—");
    }

    #[test]
    fn a_branch_year_sums_counts_not_rates() {
        // 10/10 and 1/5: the mean of rates would be 60 %, the sum of counts is 11/15 = 73.3 %
        let year = Attendance::total([Attendance::new(10, 10), Attendance::new(5, 1)]);
        assert_eq!(year, Attendance::new(15, 11));
        assert_eq!(year.percent_text(), "73.3%");
    }

    #[test]
    fn present_is_capped_at_expected() {
        assert_eq!(Attendance::new(3, 5), Attendance::new(3, 3));
    }

    proptest! {
        #[test]
        fn status_agrees_with_exact_rational_comparison(expected in 1u32..100_000, present in 0u32..100_000, bar in 0u8..=100) {
            let a = Attendance::new(expected, present);
            let exact = u128::from(a.present) * 100 >= u128::from(a.expected) * u128::from(bar);
            prop_assert_eq!(a.status(Percent(bar)) == BarStatus::Met, exact);
            let r = a.rate().unwrap();
            prop_assert!((0.0..=1.0).contains(&r));
        }

        #[test]
        fn totals_are_sums(items in proptest::collection::vec((0u32..500, 0u32..500), 0..50)) {
            let list: Vec<_> = items.iter().map(|&(e, p)| Attendance::new(e, p)).collect();
            let t = Attendance::total(list.clone());
            prop_assert_eq!(t.expected, list.iter().map(|a| a.expected).sum::<u32>());
            prop_assert_eq!(t.present, list.iter().map(|a| a.present).sum::<u32>());
            prop_assert!(t.present <= t.expected);
        }

        #[test]
        fn shown_text_meets_bar_iff_status_does(expected in 1u32..5_000, present in 0u32..5_000) {
            // What the secretary reads must never contradict the verdict beside it.
            let a = Attendance::new(expected, present);
            let shown: f64 = a.percent_text().trim_end_matches('%').parse().unwrap();
            prop_assert_eq!(shown >= 90.0, a.status(SEED_PARTICIPATION_BAR) == BarStatus::Met);
        }
    }
}
