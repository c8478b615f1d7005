//! Stars, levels, schemes, 晋位升级 and targets.

use super::*;

#[test]
fn levels_follow_the_star_count_with_the_default_thresholds() {
    let rules = RuleSet::seed();
    let keys: Vec<Vec<String>> = rules
        .indicators
        .iter()
        .map(|i| i.criteria.iter().map(|c| c.key.clone()).collect())
        .collect();
    let only = |n: usize| {
        let keep: Vec<String> = keys[..n].concat();
        move |c: &Criterion| keep.contains(&c.key)
    };
    assert_eq!(level_of(&rules, only(2)).2, Level::Lagging);
    assert_eq!(level_of(&rules, only(3)).2, Level::Average);
    assert_eq!(level_of(&rules, only(4)).2, Level::Average);
    assert_eq!(level_of(&rules, only(5)).2, Level::Advanced);
    assert_eq!(level_of(&rules, |_| true), (5, None, Level::RedFlag));
}

#[test]
fn the_points_scheme_bands_and_caps_stars() {
    let rules = RuleSet::builtin("points").unwrap();
    assert_eq!(level_of(&rules, |_| true), (5, Some(100), Level::RedFlag));
    // Without the masses' satisfaction (1 point) the total is 99, but the cap holds at 3.
    let (stars, points, level) = level_of(&rules, |c| c.key != "masses_satisfaction");
    assert_eq!((stars, points, level), (3, Some(99), Level::Average));
    // Funding and room (20 points) missing: 80 points = 4 stars.
    let (stars, points, _) = level_of(&rules, |c| {
        !["funding", "activity_room"].contains(&c.key.as_str())
    });
    assert_eq!((stars, points), (4, Some(80)));
}

#[test]
fn trend_compares_with_last_year_or_the_baseline() {
    assert_eq!(trend(Level::Advanced, Level::Average), Trend::Up);
    assert_eq!(trend(Level::Advanced, Level::Advanced), Trend::Same);
    assert_eq!(trend(Level::Average, Level::RedFlag), Trend::Down);
}

#[test]
fn a_target_is_at_risk_when_a_needed_criterion_is_lost_or_evidence_is_late() {
    let rules = RuleSet::seed();
    let deadline = day(YEAR, 12, 31);
    let mut i = perfect();
    i.now = month_start_ms(YEAR, 6);
    i.held
        .retain(|(h, _)| h.starts_at < month_start_ms(YEAR, 6));
    let june = month_start_ms(YEAR, 6) + 3 * 86_400_000;
    i.scheduled = [ActivityKind::ThemeDay, ActivityKind::Committee]
        .map(|kind| Held {
            kind,
            starts_at: june,
            group: None,
        })
        .to_vec();
    // Theme days so far every month, June's scheduled: red flag still reachable.
    let r = rate(&rules, &i);
    assert_eq!(
        target_check(&rules, &r, Level::RedFlag, deadline, day(YEAR, 6, 1)).outlook,
        Outlook::OnTrack
    );
    // April without its theme day: lost, the target is at risk, a lower one is not.
    i.held.retain(|(h, _)| {
        !(h.kind == ActivityKind::ThemeDay
            && h.starts_at >= month_start_ms(YEAR, 4)
            && h.starts_at < month_start_ms(YEAR, 5))
    });
    let r = rate(&rules, &i);
    let t = target_check(&rules, &r, Level::Advanced, deadline, day(YEAR, 6, 1));
    assert_eq!(t.outlook, Outlook::AtRisk);
    assert_eq!(
        target_check(
            &rules,
            &rate(&rules, &{
                let mut j = i.clone();
                j.scheduled.clear();
                j
            }),
            Level::Average,
            deadline,
            day(YEAR, 6, 1)
        )
        .outlook,
        Outlook::Achieved,
        "three stars so far reach 一般 whatever June brings"
    );
    assert!(
        t.reasons.iter().any(|s| s.contains("主题党日")),
        "{:?}",
        t.reasons
    );
    assert_eq!(
        target_check(&rules, &r, Level::Average, deadline, day(YEAR, 6, 1)).outlook,
        Outlook::Achieved
    );
    // Evidence not submitted: fine in June, at risk in December.
    let mut i = perfect();
    i.evidence.remove("brand");
    let r = rate(&rules, &i);
    assert_eq!(
        target_check(&rules, &r, Level::Advanced, deadline, day(YEAR, 6, 1)).outlook,
        Outlook::OnTrack
    );
    assert_eq!(
        target_check(&rules, &r, Level::Advanced, deadline, day(YEAR, 12, 2)).outlook,
        Outlook::AtRisk
    );
    assert_eq!(
        target_check(&rules, &r, Level::Advanced, deadline, day(YEAR + 1, 1, 2)).outlook,
        Outlook::Missed
    );
    assert_eq!(
        target_check(&rules, &r, Level::Average, deadline, day(YEAR + 1, 1, 2)).outlook,
        Outlook::Achieved
    );
}

proptest! {
    /// Taking away any one met criterion never raises the level or the stars, in either scheme.
    #[test]
    fn losing_a_criterion_never_raises_the_level(mask in proptest::collection::vec(any::<bool>(), 40), drop in 0usize..40, points in any::<bool>()) {
        let rules = if points { RuleSet::builtin("points").unwrap() } else { RuleSet::seed() };
        let keys: Vec<String> = rules.criteria().map(|(_, c)| c.key.clone()).collect();
        let met = |c: &Criterion| keys.iter().position(|k| *k == c.key).is_some_and(|i| mask[i % mask.len()]);
        let dropped = &keys[drop % keys.len()];
        let before = level_of(&rules, met);
        let after = level_of(&rules, |c| met(c) && c.key != *dropped);
        prop_assert!(after.2 <= before.2);
        prop_assert!(after.0 <= before.0);
    }
}
