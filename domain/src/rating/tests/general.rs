//! The 总支's own rating: every criterion attested, the same stars and levels.

use super::super::{Evidence, EvidenceState, Inputs, Level, RuleSet, State, rate};

fn approved_but(rules: &RuleSet, missing: &[&str]) -> Inputs<'static> {
    let mut inputs = Inputs {
        year: 2026,
        ..Inputs::default()
    };
    for (_, c) in rules.criteria() {
        if !missing.contains(&c.key.as_str()) {
            inputs.evidence.insert(
                c.key.clone(),
                Evidence {
                    state: EvidenceState::Approved,
                    comment: String::new(),
                },
            );
        }
    }
    inputs
}

#[test]
fn a_general_branch_rates_on_approved_evidence_alone() {
    for name in ["seed", "points"] {
        let rules = RuleSet::builtin(name).expect("a shipped scheme").attested();
        assert!(
            rules.criteria().all(|(_, c)| c.kind.is_attested()),
            "{name}"
        );
        let base = RuleSet::builtin(name).expect("a shipped scheme");
        assert_eq!(
            rules.criteria().map(|(_, c)| &c.key).collect::<Vec<_>>(),
            base.criteria().map(|(_, c)| &c.key).collect::<Vec<_>>(),
            "the same criteria, by key"
        );
        let all = rate(&rules, &approved_but(&rules, &[]));
        assert_eq!(
            (all.stars, all.level),
            (rules.max_stars(), Level::RedFlag),
            "{name}"
        );
        // Nothing approved: no star, and every criterion waits for its evidence.
        let keys: Vec<String> = rules.criteria().map(|(_, c)| c.key.clone()).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let none = rate(&rules, &approved_but(&rules, &keys));
        assert_eq!(none.stars, 0, "{name}");
        assert!(none.criteria().all(|c| c.state != State::Met));
        // One red-flag condition short: 先进, not 红旗.
        if let Some(red) = rules.red_flag.first() {
            let short = rate(&rules, &approved_but(&rules, &[red.key.as_str()]));
            assert_eq!(short.level, Level::Advanced, "{name}");
        }
    }
}
