//! 三会一课 and 主题党日 held at the required frequency: rules as data (a deployment sets its
//! own), checked per month, quarter or year — and the branch's participation by period.

use super::activity::ActivityKind;
use super::participation::Attendance;
use super::time::{month_start_ms, year_month};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(Self::Month),
            "quarter" => Some(Self::Quarter),
            "year" => Some(Self::Year),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Month => "每月",
            Self::Quarter => "每季度",
            Self::Year => "每年",
        }
    }

    /// How many such periods a year has.
    pub fn count(self) -> u32 {
        match self {
            Self::Month => 12,
            Self::Quarter => 4,
            Self::Year => 1,
        }
    }

    /// The period (0-based) a month (1–12) falls in.
    pub fn of_month(self, month: u32) -> u32 {
        match self {
            Self::Month => month - 1,
            Self::Quarter => (month - 1) / 3,
            Self::Year => 0,
        }
    }

    /// "3月", "第二季度", "全年"
    pub fn name(self, index: u32) -> String {
        match self {
            Self::Month => format!("{}月", index + 1),
            Self::Quarter => format!("第{}季度", ["一", "二", "三", "四"][index.min(3) as usize]),
            Self::Year => "全年".to_owned(),
        }
    }
}

/// "At least `min` activities of `kind` each `per`". For 党小组会 the minimum is per group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub kind: ActivityKind,
    pub per: Period,
    pub min: u32,
}

/// The usual minimums (支部工作条例 and common practice; the seed requires a 主题党日 monthly).
pub const DEFAULT_RULES: [Rule; 6] = [
    Rule {
        kind: ActivityKind::ThemeDay,
        per: Period::Month,
        min: 1,
    },
    Rule {
        kind: ActivityKind::Committee,
        per: Period::Month,
        min: 1,
    },
    Rule {
        kind: ActivityKind::GroupMeeting,
        per: Period::Month,
        min: 1,
    },
    Rule {
        kind: ActivityKind::BranchMeeting,
        per: Period::Quarter,
        min: 1,
    },
    Rule {
        kind: ActivityKind::PartyLesson,
        per: Period::Quarter,
        min: 1,
    },
    Rule {
        kind: ActivityKind::LifeMeeting,
        per: Period::Year,
        min: 1,
    },
];

/// Reads rules written as `theme_day=1/month,party_lesson=1/quarter,…` (what a deployment puts
/// in `XINGQI_CADENCE`). Kinds not named keep no rule.
pub fn parse_rules(s: &str) -> Result<Vec<Rule>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let bad = || format!("“{part}” 应写成 kind=次数/month|quarter|year");
            let (kind, rest) = part.split_once('=').ok_or_else(bad)?;
            let (min, per) = rest.split_once('/').ok_or_else(bad)?;
            Ok(Rule {
                kind: ActivityKind::parse(kind.trim()).ok_or_else(bad)?,
                per: Period::parse(per.trim()).ok_or_else(bad)?,
                min: min.trim().parse().map_err(|_| bad())?,
            })
        })
        .collect()
}

/// The rules written back in the form `parse_rules` reads.
pub fn format_rules(rules: &[Rule]) -> String {
    rules
        .iter()
        .map(|r| format!("{}={}/{}", r.kind.as_str(), r.min, r.per.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

/// One activity that counts as held (its roll was taken), as the figures need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held<'a> {
    pub kind: ActivityKind,
    pub starts_at: i64,
    /// The 党小组 it was for, if its audience was one group.
    pub group: Option<&'a str>,
}

/// A 党小组 of the branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

/// A branch of at least this many full (正式) members has a committee (支部委员会); a smaller
/// one elects no committee, and so has no 支委会 to hold (支部工作条例: 正式党员7人以上的党支部设立支部委员会).
pub const COMMITTEE_FROM_FULL_MEMBERS: u32 = 7;

/// What the rules need to know of the branch itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Its 党小组 (not archived): the 党小组会 minimum holds for each of them.
    pub groups: Vec<GroupRef>,
    /// Its active full members.
    pub full_members: u32,
}

impl Shape {
    pub fn has_committee(&self) -> bool {
        self.full_members >= COMMITTEE_FROM_FULL_MEMBERS
    }

    /// Whether `rule` applies to this branch: no 党小组会 rule without groups, no 支委会 rule
    /// without a committee.
    pub fn applies(&self, rule: &Rule) -> bool {
        match rule.kind {
            ActivityKind::GroupMeeting => !self.groups.is_empty(),
            ActivityKind::Committee => self.has_committee(),
            _ => true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCheck {
    pub name: String,
    /// [starts_at, ends_at) of the period, ms.
    pub starts_at: i64,
    pub ends_at: i64,
    /// Activities that count towards the rule. For 党小组会: each group's meetings up to the
    /// minimum, summed, so `held >= required` exactly when every group met it.
    pub held: u32,
    pub required: u32,
    pub state: CheckState,
    /// For 党小组会: the groups still short of the minimum in this period.
    #[serde(default)]
    pub short_groups: Vec<GroupRef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Met,
    /// The period is over and fell short.
    Missed,
    /// The period is under way and not yet met.
    Due,
    /// Still to come.
    Future,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCheck {
    pub rule: Rule,
    pub periods: Vec<PeriodCheck>,
    /// No period so far fell short.
    pub on_track: bool,
}

impl Period {
    /// [start, end) in ms of period `index` (0-based) of `year`, China time.
    pub fn bounds(self, year: i32, index: u32) -> (i64, i64) {
        let months = 12 / self.count();
        let first = index * months + 1;
        (
            month_start_ms(year, first),
            month_start_ms(year, first + months),
        )
    }
}

/// How many activities of one period count towards `rule`, and which groups fell short.
fn count_period(rule: &Rule, held: &[&Held<'_>], shape: &Shape) -> (u32, u32, Vec<GroupRef>) {
    if rule.kind != ActivityKind::GroupMeeting {
        return (held.len() as u32, rule.min, Vec::new());
    }
    let mut counted = 0;
    let mut short = Vec::new();
    for g in &shape.groups {
        let n = held
            .iter()
            .filter(|h| h.group == Some(g.id.as_str()))
            .count() as u32;
        counted += n.min(rule.min);
        if n < rule.min {
            short.push(g.clone());
        }
    }
    (counted, rule.min * shape.groups.len() as u32, short)
}

/// Checks each rule that applies to the branch (`Shape::applies`) over `year`, as of `now`.
/// `held` are the activities whose roll was taken; a 党小组会 counts only for its own group.
pub fn check(
    rules: &[Rule],
    held: &[Held<'_>],
    year: i32,
    now: i64,
    shape: &Shape,
) -> Vec<RuleCheck> {
    let (now_year, now_month) = year_month(now).unwrap_or((year, 12));
    rules
        .iter()
        .filter(|r| shape.applies(r))
        .map(|rule| {
            let mut by_period: Vec<Vec<&Held<'_>>> = vec![Vec::new(); rule.per.count() as usize];
            for h in held.iter().filter(|h| h.kind == rule.kind) {
                if let Some((y, m)) = year_month(h.starts_at)
                    && y == year
                {
                    by_period[rule.per.of_month(m) as usize].push(h);
                }
            }
            let current = match now_year.cmp(&year) {
                std::cmp::Ordering::Less => None,
                std::cmp::Ordering::Equal => Some(rule.per.of_month(now_month)),
                std::cmp::Ordering::Greater => Some(rule.per.count()),
            };
            let periods: Vec<_> = by_period
                .iter()
                .enumerate()
                .map(|(i, in_period)| {
                    let i = i as u32;
                    let (held, required, short_groups) = count_period(rule, in_period, shape);
                    let state = if held >= required {
                        CheckState::Met
                    } else {
                        match current {
                            Some(c) if i < c => CheckState::Missed,
                            Some(c) if i == c => CheckState::Due,
                            _ => CheckState::Future,
                        }
                    };
                    let (starts_at, ends_at) = rule.per.bounds(year, i);
                    PeriodCheck {
                        name: rule.per.name(i),
                        starts_at,
                        ends_at,
                        held,
                        required,
                        state,
                        short_groups,
                    }
                })
                .collect();
            let on_track = periods.iter().all(|p| p.state != CheckState::Missed);
            RuleCheck {
                rule: *rule,
                periods,
                on_track,
            }
        })
        .collect()
}

/// Whether an activity counts as held: its roll was taken — at least one member's check-in
/// counts or someone was marked by hand, or the organiser closed the roll. A start time that
/// has passed is not enough, so an activity under way does not pull the rate down.
pub fn roll_taken(counted_checkins: u32, hand_marks: u32, roll_closed: bool) -> bool {
    counted_checkins > 0 || hand_marks > 0 || roll_closed
}

/// Participation of one period (month or quarter) of the year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodParticipation {
    pub name: String,
    pub attendance: Attendance,
}

/// Participation summed by month and by quarter over `year` (activities outside it ignored).
pub fn participation_by_period(
    items: &[(i64, Attendance)],
    year: i32,
) -> (Vec<PeriodParticipation>, Vec<PeriodParticipation>) {
    let mut months = vec![Attendance::default(); 12];
    for (at, a) in items {
        if let Some((y, m)) = year_month(*at)
            && y == year
        {
            months[(m - 1) as usize] = months[(m - 1) as usize] + *a;
        }
    }
    let quarters = (0..4)
        .map(|q| PeriodParticipation {
            name: Period::Quarter.name(q),
            attendance: Attendance::total(
                months[q as usize * 3..q as usize * 3 + 3].iter().copied(),
            ),
        })
        .collect();
    let months = months
        .into_iter()
        .enumerate()
        .map(|(i, attendance)| PeriodParticipation {
            name: Period::Month.name(i as u32),
            attendance,
        })
        .collect();
    (months, quarters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_local_datetime;
    use proptest::prelude::*;

    fn at(s: &str) -> i64 {
        parse_local_datetime(s).unwrap()
    }

    fn held(kind: ActivityKind, s: &str) -> Held<'static> {
        Held {
            kind,
            starts_at: at(s),
            group: None,
        }
    }

    fn group_meeting(group: &'static str, s: &str) -> Held<'static> {
        Held {
            group: Some(group),
            ..held(ActivityKind::GroupMeeting, s)
        }
    }

    fn groups(ids: &[&str]) -> Vec<GroupRef> {
        ids.iter()
            .map(|id| GroupRef {
                id: (*id).to_owned(),
                name: format!("{id}组"),
            })
            .collect()
    }

    /// A branch with a committee and the given groups.
    fn shape(group_ids: &[&str]) -> Shape {
        Shape {
            groups: groups(group_ids),
            full_members: COMMITTEE_FROM_FULL_MEMBERS,
        }
    }

    #[test]
    fn rules_parse_and_print_back() {
        let rules =
            parse_rules("theme_day=1/month, party_lesson=2/quarter,life_meeting=1/year").unwrap();
        assert_eq!(
            rules[1],
            Rule {
                kind: ActivityKind::PartyLesson,
                per: Period::Quarter,
                min: 2
            }
        );
        assert_eq!(
            format_rules(&rules),
            "theme_day=1/month,party_lesson=2/quarter,life_meeting=1/year"
        );
        assert_eq!(
            parse_rules(&format_rules(&DEFAULT_RULES)).unwrap(),
            DEFAULT_RULES
        );
        assert!(
            parse_rules("theme_day=once")
                .unwrap_err()
                .contains("theme_day=once")
        );
        assert!(parse_rules("party=1/month").is_err());
        assert!(parse_rules("theme_day=1/week").is_err());
    }

    #[test]
    fn a_theme_day_every_month_so_far_is_on_track() {
        let now = at("2026-03-20T10:00");
        let h = [
            held(ActivityKind::ThemeDay, "2026-01-15T14:30"),
            held(ActivityKind::ThemeDay, "2026-02-14T14:30"),
        ];
        let c = &check(&[DEFAULT_RULES[0]], &h, 2026, now, &shape(&[]))[0];
        let states: Vec<_> = c.periods.iter().take(4).map(|p| p.state).collect();
        assert_eq!(
            states,
            [
                CheckState::Met,
                CheckState::Met,
                CheckState::Due,
                CheckState::Future
            ]
        );
        assert!(c.on_track, "March is still under way");
    }

    #[test]
    fn a_month_without_one_is_missed() {
        let now = at("2026-04-02T10:00");
        let h = [
            held(ActivityKind::ThemeDay, "2026-01-15T14:30"),
            held(ActivityKind::ThemeDay, "2026-03-14T14:30"),
        ];
        let c = &check(&[DEFAULT_RULES[0]], &h, 2026, now, &shape(&[]))[0];
        assert_eq!(c.periods[1].state, CheckState::Missed);
        assert!(!c.on_track);
    }

    #[test]
    fn quarters_and_group_meetings_count_per_group() {
        let now = at("2026-05-10T10:00");
        let h = [
            held(ActivityKind::PartyLesson, "2026-02-24T15:00"),
            group_meeting("g1", "2026-01-10T15:00"),
            group_meeting("g2", "2026-01-11T15:00"),
            group_meeting("g1", "2026-02-10T15:00"),
            group_meeting("g1", "2026-03-10T15:00"),
            group_meeting("g1", "2026-03-20T15:00"),
        ];
        let checks = check(&DEFAULT_RULES, &h, 2026, now, &shape(&["g1", "g2"]));
        let lessons = checks
            .iter()
            .find(|c| c.rule.kind == ActivityKind::PartyLesson)
            .unwrap();
        assert_eq!(
            lessons.periods.iter().map(|p| p.state).collect::<Vec<_>>(),
            [
                CheckState::Met,
                CheckState::Due,
                CheckState::Future,
                CheckState::Future
            ]
        );
        let groups = checks
            .iter()
            .find(|c| c.rule.kind == ActivityKind::GroupMeeting)
            .unwrap();
        assert_eq!(
            (
                groups.periods[0].held,
                groups.periods[0].required,
                groups.periods[0].state
            ),
            (2, 2, CheckState::Met)
        );
        assert_eq!(
            groups.periods[1].state,
            CheckState::Missed,
            "one of two groups met in February"
        );
        assert_eq!(
            groups.periods[1].short_groups,
            super::tests::groups(&["g2"])
        );
        assert_eq!(
            (groups.periods[2].held, groups.periods[2].state),
            (1, CheckState::Missed),
            "two meetings of the first group do not cover the second"
        );
        let without_groups = check(&DEFAULT_RULES, &h, 2026, now, &shape(&[]));
        assert!(
            without_groups
                .iter()
                .all(|c| c.rule.kind != ActivityKind::GroupMeeting)
        );
    }

    #[test]
    fn a_meeting_of_no_listed_group_covers_none() {
        let now = at("2026-02-10T10:00");
        let h = [
            held(ActivityKind::GroupMeeting, "2026-01-10T15:00"),
            group_meeting("archived", "2026-01-11T15:00"),
        ];
        let c = &check(&[DEFAULT_RULES[2]], &h, 2026, now, &shape(&["g1"]))[0];
        assert_eq!(
            (c.periods[0].held, c.periods[0].state),
            (0, CheckState::Missed)
        );
    }

    #[test]
    fn a_branch_without_a_committee_has_no_committee_rule() {
        let now = at("2026-05-10T10:00");
        let small = Shape {
            groups: Vec::new(),
            full_members: COMMITTEE_FROM_FULL_MEMBERS - 1,
        };
        assert!(!small.has_committee());
        let kinds = |s: &Shape| {
            check(&DEFAULT_RULES, &[], 2026, now, s)
                .iter()
                .map(|c| c.rule.kind)
                .collect::<Vec<_>>()
        };
        assert!(!kinds(&small).contains(&ActivityKind::Committee));
        assert!(
            kinds(&shape(&[])).contains(&ActivityKind::Committee),
            "seven full members elect one"
        );
    }

    #[test]
    fn periods_know_their_bounds() {
        assert_eq!(
            Period::Month.bounds(2026, 1),
            (at("2026-02-01T00:00"), at("2026-03-01T00:00"))
        );
        assert_eq!(
            Period::Quarter.bounds(2026, 3),
            (at("2026-10-01T00:00"), at("2027-01-01T00:00"))
        );
        assert_eq!(
            Period::Year.bounds(2026, 0),
            (at("2026-01-01T00:00"), at("2027-01-01T00:00"))
        );
    }

    #[test]
    fn held_means_the_roll_was_taken() {
        assert!(
            !roll_taken(0, 0, false),
            "a start that has passed is not enough"
        );
        assert!(roll_taken(1, 0, false));
        assert!(roll_taken(0, 1, false));
        assert!(roll_taken(0, 0, true));
    }

    #[test]
    fn a_past_year_has_no_period_still_due() {
        let c = &check(
            &[DEFAULT_RULES[5]],
            &[],
            2025,
            at("2026-01-05T10:00"),
            &shape(&[]),
        )[0];
        assert_eq!(c.periods[0].state, CheckState::Missed);
    }

    #[test]
    fn participation_sums_by_month_and_quarter() {
        let items = [
            (at("2026-01-15T14:30"), Attendance::new(10, 9)),
            (at("2026-02-15T14:30"), Attendance::new(10, 8)),
            (at("2026-04-15T14:30"), Attendance::new(5, 5)),
            (at("2025-12-15T14:30"), Attendance::new(100, 0)),
        ];
        let (months, quarters) = participation_by_period(&items, 2026);
        assert_eq!(months[0].attendance, Attendance::new(10, 9));
        assert_eq!(months[2].attendance, Attendance::new(0, 0));
        assert_eq!(quarters[0].attendance, Attendance::new(20, 17));
        assert_eq!(quarters[0].name, "第一季度");
        assert_eq!(quarters[1].attendance, Attendance::new(5, 5));
    }

    proptest! {
        /// A month of the 党小组会 rule is met exactly when every group held its minimum, and
        /// adding another group's meeting never covers a group that had none.
        #[test]
        fn group_meetings_cover_only_their_own_group(
            meetings in proptest::collection::vec((0usize..4, 1u32..=12, 1u32..=28), 0..60),
            n_groups in 1usize..4,
            min in 1u32..3,
        ) {
            let ids = ["g0", "g1", "g2", "g3"];
            let shape = shape(&ids[..n_groups]);
            let h: Vec<_> = meetings
                .iter()
                .map(|&(g, m, d)| group_meeting(ids[g], &format!("2026-{m:02}-{d:02}T10:00")))
                .collect();
            let rule = Rule { kind: ActivityKind::GroupMeeting, per: Period::Month, min };
            let c = &check(&[rule], &h, 2026, at("2027-01-02T10:00"), &shape)[0];
            for (month, p) in c.periods.iter().enumerate() {
                let per_group: Vec<u32> = ids[..n_groups]
                    .iter()
                    .map(|id| meetings.iter().filter(|&&(g, m, _)| ids[g] == *id && m as usize == month + 1).count() as u32)
                    .collect();
                let every_group_met = per_group.iter().all(|&n| n >= min);
                prop_assert_eq!(p.state == CheckState::Met, every_group_met);
                prop_assert_eq!(p.state == CheckState::Missed, !every_group_met);
                prop_assert_eq!(p.short_groups.len(), per_group.iter().filter(|&&n| n < min).count());
                prop_assert!(p.held <= p.required);
            }
        }

        #[test]
        fn quarters_sum_their_months(items in proptest::collection::vec((1u32..=12, 1u32..=28, 0u32..20, 0u32..20), 0..40)) {
            let items: Vec<_> = items.iter().map(|&(m, d, e, p)| (at(&format!("2026-{m:02}-{d:02}T10:00")), Attendance::new(e, p))).collect();
            let (months, quarters) = participation_by_period(&items, 2026);
            let year = Attendance::total(months.iter().map(|m| m.attendance));
            prop_assert_eq!(year, Attendance::total(quarters.iter().map(|q| q.attendance)));
            prop_assert_eq!(year, Attendance::total(items.iter().map(|i| i.1)));
        }
    }
}
