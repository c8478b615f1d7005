use super::*;

mod general;
mod levels;
use crate::activity::ActivityKind;
use crate::ballot::Audience;
use crate::cadence::{Held, Shape};
use crate::participation::Attendance;
use crate::survey::{Convention, Scale, ScaleKind, Tally};
use crate::time::{month_start_ms, year_bounds_ms};
use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::BTreeMap;

const YEAR: i32 = 2025;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Early next year: the rating year is over.
fn after_year() -> i64 {
    year_bounds_ms(YEAR).1 + 86_400_000
}

fn three() -> Scale {
    Scale {
        kind: ScaleKind::Three,
        dont_know: true,
    }
}

/// `yes` satisfied and `no` unsatisfied votes.
fn tally(yes: u32, no: u32) -> Tally {
    let mut t = Tally::empty(&three());
    for _ in 0..yes {
        t.record(&three(), 0);
    }
    for _ in 0..no {
        t.record(&three(), 2);
    }
    t
}

fn survey(members: Tally, staff: Tally, parents: Tally, secretary: Tally) -> SurveyInput {
    SurveyInput {
        campaign_id: "c1".into(),
        title: "年度测评".into(),
        closes_on: format!("{YEAR}-12-20"),
        closed: true,
        audiences: vec![Audience::Members, Audience::Staff, Audience::Parents],
        questions: vec!["org".into(), "secretary".into()],
        convention: three().default_rate(),
        min_group: 10,
        tallies: vec![
            (Audience::Members, "org".into(), members),
            (Audience::Staff, "org".into(), staff),
            (Audience::Parents, "org".into(), parents),
            (Audience::Staff, "secretary".into(), secretary),
        ],
    }
}

/// A year in which every criterion of the seed scheme is met.
fn perfect<'a>() -> Inputs<'a> {
    let mut held = Vec::new();
    for m in 1..=12 {
        let at = month_start_ms(YEAR, m) + 86_400_000;
        held.push((
            Held {
                kind: ActivityKind::ThemeDay,
                starts_at: at,
                group: None,
            },
            true,
        ));
        held.push((
            Held {
                kind: ActivityKind::Committee,
                starts_at: at,
                group: None,
            },
            true,
        ));
        if m % 3 == 1 {
            held.push((
                Held {
                    kind: ActivityKind::BranchMeeting,
                    starts_at: at,
                    group: None,
                },
                true,
            ));
            held.push((
                Held {
                    kind: ActivityKind::PartyLesson,
                    starts_at: at,
                    group: None,
                },
                true,
            ));
        }
    }
    let evidence = RuleSet::seed()
        .criteria()
        .filter(|(_, c)| c.kind.is_attested())
        .map(|(_, c)| {
            (
                c.key.clone(),
                Evidence {
                    state: EvidenceState::Approved,
                    comment: String::new(),
                },
            )
        })
        .collect::<BTreeMap<_, _>>();
    Inputs {
        year: YEAR,
        now: after_year(),
        participation: Attendance::new(100, 95),
        held,
        shape: Shape {
            groups: Vec::new(),
            full_members: 9,
        },
        members: vec![Member {
            name: "新党员".into(),
            staff: true,
            birth_date: Some(day(1991, 6, 2)),
            join_date: Some(day(YEAR, 6, 1)),
        }],
        honours: vec![Honour {
            date: day(YEAR, 9, 10),
            level: HonourLevel::County,
            title: "先进基层党组织".into(),
        }],
        evaluation: Some(Evaluation::Excellent),
        assessments: vec![("书记".into(), Some(Assessment::Competent))],
        surveys: vec![survey(
            tally(19, 1),
            tally(10, 0),
            tally(9, 1),
            tally(18, 2),
        )],
        evidence,
        ..Inputs::default()
    }
}

fn state(rating: &Rating, key: &str) -> State {
    rating.criteria().find(|c| c.key == key).unwrap().state
}

#[test]
fn both_shipped_schemes_read() {
    assert_eq!(RuleSet::seed().indicators.len(), 5);
    let points = RuleSet::builtin("points").unwrap();
    assert!(matches!(points.stars, StarRule::Points { .. }));
    for i in &points.indicators {
        assert_eq!(
            i.criteria.iter().map(|c| c.points).sum::<u32>(),
            20,
            "{}",
            i.key
        );
    }
    assert!(RuleSet::builtin("nope").is_none());
}

#[test]
fn a_scheme_with_a_repeated_key_or_unknown_field_is_refused() {
    let mut s = serde_json::to_value(RuleSet::seed()).unwrap();
    s["indicators"][1]["criteria"][0]["key"] = "committee_sound".into();
    assert!(RuleSet::parse(&s.to_string()).unwrap_err().contains("重复"));
    let mut s = serde_json::to_value(RuleSet::seed()).unwrap();
    s["colour"] = "red".into();
    assert!(RuleSet::parse(&s.to_string()).is_err());
}

#[test]
fn a_perfect_year_is_red_flag() {
    let r = rate(&RuleSet::seed(), &perfect());
    for c in r.criteria() {
        assert_eq!(c.state, State::Met, "{}: {}", c.key, c.figure);
    }
    assert_eq!((r.stars, r.level), (5, Level::RedFlag));
}

#[test]
fn masses_at_exactly_ninety_five_percent_meet_the_red_flag_bar_and_just_below_does_not() {
    // 19 + 0 of 20 masses… pooled staff 10/10 and parents 9/10 = 19/20 = 95.0 %.
    let r = rate(&RuleSet::seed(), &perfect());
    assert_eq!(state(&r, "masses_satisfaction_red"), State::Met);
    let mut i = perfect();
    i.surveys = vec![survey(
        tally(19, 1),
        tally(10, 0),
        tally(28, 2),
        tally(18, 2),
    )];
    // 38 of 40 = 95 % again; 37 of 40 = 92.5 %: a star but no red flag.
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "masses_satisfaction_red"),
        State::Met
    );
    i.surveys = vec![survey(
        tally(19, 1),
        tally(10, 0),
        tally(27, 3),
        tally(18, 2),
    )];
    let r = rate(&RuleSet::seed(), &i);
    assert_eq!(state(&r, "masses_satisfaction_red"), State::NotMet);
    assert_eq!(state(&r, "masses_satisfaction"), State::Met);
    assert_eq!(r.level, Level::Advanced);
    let red = r
        .criteria()
        .find(|c| c.key == "masses_satisfaction_red")
        .unwrap();
    assert!(red.next_step.contains("需 ≥ 95%"), "{}", red.next_step);
}

#[test]
fn members_satisfaction_at_ninety_meets_and_below_does_not() {
    let mut i = perfect();
    i.surveys = vec![survey(
        tally(18, 2),
        tally(10, 0),
        tally(10, 0),
        tally(18, 2),
    )];
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "members_satisfaction"),
        State::Met
    );
    i.surveys = vec![survey(
        tally(179, 21),
        tally(10, 0),
        tally(10, 0),
        tally(18, 2),
    )];
    let r = rate(&RuleSet::seed(), &i);
    assert_eq!(state(&r, "members_satisfaction"), State::NotMet);
    assert_eq!(r.level, Level::Average);
    assert_eq!(r.stars, 4);
}

#[test]
fn fewer_valid_answers_than_the_minimum_group_is_not_met_and_says_why() {
    let mut i = perfect();
    i.surveys = vec![survey(
        tally(9, 0),
        tally(10, 0),
        tally(10, 0),
        tally(18, 2),
    )];
    let r = rate(&RuleSet::seed(), &i);
    let c = r
        .criteria()
        .find(|c| c.key == "members_satisfaction")
        .unwrap();
    assert_eq!(c.state, State::NotMet);
    assert!(c.figure.contains("少于最少人数 10"), "{}", c.figure);
}

#[test]
fn an_open_campaign_is_pending_and_the_latest_campaign_decides() {
    let mut i = perfect();
    i.surveys[0].closed = false;
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "members_satisfaction"),
        State::Pending
    );
    let mut i = perfect();
    let mut later = survey(tally(10, 10), tally(10, 0), tally(10, 0), tally(18, 2));
    later.campaign_id = "c2".into();
    later.closes_on = format!("{YEAR}-12-28");
    i.surveys.push(later);
    let r = rate(&RuleSet::seed(), &i);
    let c = r
        .criteria()
        .find(|c| c.key == "members_satisfaction")
        .unwrap();
    assert_eq!(
        (c.state, c.campaign_id.as_deref()),
        (State::NotMet, Some("c2"))
    );
}

#[test]
fn a_weighted_campaign_counts_only_where_the_scheme_maps_its_score() {
    let mut i = perfect();
    i.surveys[0].convention = Convention::Weighted {
        weights: vec![100, 60, 0],
    };
    let r = rate(&RuleSet::seed(), &i);
    assert_eq!(state(&r, "members_satisfaction"), State::NotMet);
    let mut rules = RuleSet::seed();
    for ind in &mut rules.indicators {
        for c in &mut ind.criteria {
            if let CriterionKind::Satisfaction { score_bar, .. } = &mut c.kind {
                *score_bar = Some(90);
            }
        }
    }
    // Members 19×100 + 1×0 over 20 = 95 points ≥ 90.
    assert_eq!(state(&rate(&rules, &i), "members_satisfaction"), State::Met);
}

#[test]
fn participation_at_exactly_ninety_meets_and_says_what_is_missing_below() {
    let mut i = perfect();
    i.participation = Attendance::new(130, 117);
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "participation"),
        State::Met
    );
    i.participation = Attendance::new(130, 116);
    let r = rate(&RuleSet::seed(), &i);
    let c = r.criteria().find(|c| c.key == "participation").unwrap();
    assert_eq!(c.state, State::NotMet);
    assert!(c.next_step.contains("还差 1 人次"), "{}", c.next_step);
    assert_eq!(r.level, Level::Average);
}

#[test]
fn a_month_without_its_theme_day_loses_the_criterion() {
    let mut i = perfect();
    let march = month_start_ms(YEAR, 3);
    i.held.retain(|(h, _)| {
        !(h.kind == ActivityKind::ThemeDay
            && h.starts_at >= march
            && h.starts_at < month_start_ms(YEAR, 4))
    });
    let r = rate(&RuleSet::seed(), &i);
    let c = r.criteria().find(|c| c.key == "theme_day_monthly").unwrap();
    assert_eq!(c.state, State::NotMet);
    assert!(c.lost);
    assert!(c.next_step.contains("3月主题党日"), "{}", c.next_step);
}

#[test]
fn three_meetings_count_only_with_minutes_and_minutes_can_still_be_added() {
    let mut i = perfect();
    for (h, minutes) in &mut i.held {
        if h.kind == ActivityKind::PartyLesson && h.starts_at < month_start_ms(YEAR, 2) {
            *minutes = false;
        }
    }
    let r = rate(&RuleSet::seed(), &i);
    let c = r.criteria().find(|c| c.key == "three_meetings").unwrap();
    assert_eq!(c.state, State::NotMet);
    assert!(!c.lost);
    assert!(c.next_step.contains("补录会议记录"), "{}", c.next_step);
    // The theme days need no minutes.
    assert_eq!(state(&r, "theme_day_monthly"), State::Met);
}

#[test]
fn during_the_year_a_due_quarter_says_how_many_are_still_needed() {
    let mut i = perfect();
    i.now = month_start_ms(YEAR, 11) + 86_400_000;
    i.held.retain(|(h, _)| {
        h.starts_at < month_start_ms(YEAR, 10)
            || (h.starts_at < month_start_ms(YEAR, 11)
                && matches!(h.kind, ActivityKind::ThemeDay | ActivityKind::Committee))
    });
    let r = rate(&RuleSet::seed(), &i);
    let c = r.criteria().find(|c| c.key == "three_meetings").unwrap();
    assert_eq!(c.state, State::Pending);
    assert!(
        c.next_step.contains("第四季度还需开展 1 次党课"),
        "{}",
        c.next_step
    );
    assert!(c.at_risk, "nothing is scheduled for the quarter");
    i.scheduled = vec![
        Held {
            kind: ActivityKind::PartyLesson,
            starts_at: month_start_ms(YEAR, 12),
            group: None,
        },
        Held {
            kind: ActivityKind::BranchMeeting,
            starts_at: month_start_ms(YEAR, 12),
            group: None,
        },
        Held {
            kind: ActivityKind::Committee,
            starts_at: month_start_ms(YEAR, 11) + 2 * 86_400_000,
            group: None,
        },
    ];
    let r = rate(&RuleSet::seed(), &i);
    assert!(
        !r.criteria()
            .find(|c| c.key == "three_meetings")
            .unwrap()
            .at_risk
    );
}

#[test]
fn the_young_recruit_must_be_staff_under_35_on_joining_in_the_rating_year() {
    let mut i = perfect();
    // Born 1990-06-01, joined 2025-05-31: 34, under 35. Joined on the birthday: 35, not.
    i.members[0].birth_date = Some(day(1990, 6, 1));
    i.members[0].join_date = Some(day(YEAR, 5, 31));
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "young_recruit"),
        State::Met
    );
    i.members[0].join_date = Some(day(YEAR, 6, 1));
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "young_recruit"),
        State::NotMet
    );
    i.members[0].join_date = Some(day(YEAR, 5, 31));
    i.members[0].staff = false;
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "young_recruit"),
        State::NotMet
    );
    i.members[0].staff = true;
    i.members[0].join_date = Some(day(YEAR - 1, 5, 31));
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "young_recruit"),
        State::NotMet
    );
}

#[test]
fn a_violation_counts_in_its_own_year_only_and_a_committee_one_twice() {
    let mut i = perfect();
    i.violations = vec![Violation {
        date: day(YEAR - 1, 12, 31),
        committee: true,
    }];
    assert_eq!(rate(&RuleSet::seed(), &i).level, Level::RedFlag);
    i.violations = vec![Violation {
        date: day(YEAR, 1, 1),
        committee: false,
    }];
    let r = rate(&RuleSet::seed(), &i);
    assert_eq!(state(&r, "no_violation"), State::NotMet);
    assert_eq!(state(&r, "committee_clean"), State::Met);
    assert_eq!((r.stars, r.level), (4, Level::Average));
    i.violations[0].committee = true;
    let r = rate(&RuleSet::seed(), &i);
    assert_eq!(state(&r, "committee_clean"), State::NotMet);
    assert_eq!(r.stars, 3);
}

#[test]
fn registers_decide_evaluation_assessment_and_honour() {
    let mut i = perfect();
    i.evaluation = Some(Evaluation::Good);
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "annual_evaluation"),
        State::NotMet
    );
    i.evaluation = None;
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "annual_evaluation"),
        State::Pending
    );
    let mut i = perfect();
    i.assessments
        .push(("委员".into(), Some(Assessment::BasicallyCompetent)));
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "committee_assessed"),
        State::NotMet
    );
    i.assessments[1].1 = None;
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "committee_assessed"),
        State::Pending
    );
    let mut i = perfect();
    i.honours[0].level = HonourLevel::School;
    let r = rate(&RuleSet::seed(), &i);
    assert_eq!((r.stars, r.level), (5, Level::Advanced));
    i.honours[0].level = HonourLevel::City;
    i.honours[0].date = day(YEAR + 1, 1, 2);
    assert_eq!(rate(&RuleSet::seed(), &i).level, Level::Advanced);
}

#[test]
fn evidence_moves_an_attested_criterion_from_awaiting_to_met() {
    let mut i = perfect();
    let set = |i: &mut Inputs<'_>, s| {
        i.evidence.insert(
            "funding".into(),
            Evidence {
                state: s,
                comment: "缺预算表".into(),
            },
        );
    };
    i.evidence.remove("funding");
    assert_eq!(
        state(&rate(&RuleSet::seed(), &i), "funding"),
        State::AwaitingEvidence
    );
    set(&mut i, EvidenceState::Submitted);
    let r = rate(&RuleSet::seed(), &i);
    assert_eq!(
        (state(&r, "funding"), r.stars),
        (State::AwaitingApproval, 4)
    );
    set(&mut i, EvidenceState::Returned);
    let r = rate(&RuleSet::seed(), &i);
    let c = r.criteria().find(|c| c.key == "funding").unwrap();
    assert_eq!(c.state, State::AwaitingEvidence);
    assert!(c.figure.contains("缺预算表"));
    set(&mut i, EvidenceState::Approved);
    assert_eq!(rate(&RuleSet::seed(), &i).level, Level::RedFlag);
}
