//! A campaign's figures per group (each audience asked, the masses combined, everyone
//! combined) from the raw counts, and the figures as text. Pure: no I/O.

use super::ballot::{Audience, Definition};
use super::survey::{Convention, Figure, Tally, figure};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One question's counts and figure in one group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionFigure {
    pub key: String,
    pub text: String,
    pub tally: Tally,
    pub figure: Figure,
    /// Fewer people than the campaign's minimum group answered this in this group: the counts
    /// are withheld (zeros) so none can be tied to a person.
    #[serde(default)]
    pub suppressed: bool,
}

/// The figures of one group: an audience, the masses combined, or everyone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    pub key: String,
    pub label: String,
    pub questions: Vec<QuestionFigure>,
}

/// Figures per audience asked, the masses combined, and everyone combined.
pub fn group_figures(
    def: &Definition,
    tallies: &HashMap<(Audience, String), Tally>,
) -> Vec<GroupFigures> {
    let tally_of = |audiences: &[Audience], question: &str| {
        audiences
            .iter()
            .filter_map(|a| tallies.get(&(*a, question.to_owned())).cloned())
            .fold(Tally::empty(&def.scale), |acc, t| acc + t)
    };
    let group = |key: &str, label: &str, audiences: &[Audience]| GroupFigures {
        key: key.to_owned(),
        label: label.to_owned(),
        questions: def
            .questions
            .iter()
            .map(|q| {
                let tally = tally_of(audiences, &q.key);
                QuestionFigure {
                    key: q.key.clone(),
                    text: q.text.clone(),
                    figure: figure(&tally, &def.convention, def.min_group),
                    tally,
                    suppressed: false,
                }
            })
            .collect(),
    };
    let mut out = Vec::new();
    for a in &def.audiences {
        out.push(group(a.key(), a.label(), &[*a]));
    }
    let masses: Vec<Audience> = def
        .audiences
        .iter()
        .copied()
        .filter(|a| a.is_masses())
        .collect();
    if masses.len() > 1 {
        out.push(group("masses", "群众合计", &masses));
    }
    if def.audiences.len() > 1 && def.audiences.contains(&Audience::Members) && !masses.is_empty() {
        out.push(group("all", "党员和群众合计", &def.audiences));
    }
    out
}

/// `n` as a reader of an open campaign sees it: rounded down to a multiple of the minimum
/// group `k`, so the count moves only once `k` more people have answered and no single answer
/// can be timed.
pub fn step_down(n: u32, k: u32) -> u32 {
    let k = k.max(1);
    n / k * k
}

/// A count, or `None` when fewer than `k` (but some) people stand behind it.
pub fn at_least_group(n: u32, k: u32) -> Option<u32> {
    (n == 0 || n >= k.max(1)).then_some(n)
}

/// Withholds the counts of every question that fewer than the minimum group answered in its
/// group: the tally becomes zeros, the figure "too few", and the question is marked suppressed.
pub fn suppress_small(groups: &mut [GroupFigures], def: &Definition) {
    for q in groups.iter_mut().flat_map(|g| g.questions.iter_mut()) {
        let answered = q.tally.counts.iter().sum::<u32>() + q.tally.dont_know;
        if at_least_group(answered, def.min_group).is_none() {
            q.tally = Tally::empty(&def.scale);
            q.figure = figure(&q.tally, &def.convention, def.min_group);
            q.suppressed = true;
        }
    }
}

/// A rate as text with one decimal, rounded down so that "90.0%" always meets a 90 % bar.
pub fn rate_text(x: u32, n: u32) -> String {
    if n == 0 {
        return "—".into();
    }
    let per_mille = u64::from(x) * 1000 / u64::from(n);
    format!("{}.{}%", per_mille / 10, per_mille % 10)
}

/// A figure's value as text in its unit: "92.5%" or "92.5 分" (rounded down).
pub fn value_text(figure: &Figure, convention: &Convention) -> String {
    match (figure.value, convention) {
        (None, _) => "—".into(),
        (Some(v), Convention::Rate { .. }) => format!("{:.1}%", floor1(v * 100.0)),
        (Some(v), Convention::Weighted { .. }) => format!("{:.1} 分", floor1(v)),
    }
}

/// The interval as text: "59.6%–98.2%" or "71.2–96.0 分", its ends rounded outward (the
/// lower down, the upper up), so a shown lower end never claims more than the interval does.
pub fn interval_text(figure: &Figure, convention: &Convention) -> String {
    match (figure.interval, convention) {
        (None, _) => "—".into(),
        (Some((lo, hi)), Convention::Rate { .. }) => {
            format!("{:.1}%–{:.1}%", floor1(lo * 100.0), ceil1(hi * 100.0))
        }
        (Some((lo, hi)), Convention::Weighted { .. }) => {
            format!("{:.1}–{:.1} 分", floor1(lo), ceil1(hi))
        }
    }
}

fn ceil1(v: f64) -> f64 {
    ((v * 10.0) - 1e-9).ceil() / 10.0
}

fn floor1(v: f64) -> f64 {
    // A tiny epsilon keeps 0.9 * 100 = 90.00000000000001 or 89.99999999999999 from flipping.
    ((v * 10.0) + 1e-9).floor() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::Verdict;

    fn tally(counts: &[u32], dont_know: u32) -> Tally {
        Tally {
            counts: counts.to_vec(),
            dont_know,
        }
    }

    /// The figure of the question `org` in the group `key`.
    fn org_question(groups: &[GroupFigures], key: &str) -> QuestionFigure {
        groups
            .iter()
            .find(|g| g.key == key)
            .and_then(|g| g.questions.iter().find(|q| q.key == "org"))
            .cloned()
            .unwrap()
    }

    fn keys(groups: &[GroupFigures]) -> Vec<&str> {
        groups.iter().map(|g| g.key.as_str()).collect()
    }

    #[test]
    fn every_audience_then_the_masses_then_everyone() {
        let def = Definition::seed("一支部");
        let groups = group_figures(&def, &HashMap::new());
        assert_eq!(
            keys(&groups),
            ["members", "staff", "parents", "others", "masses", "all"]
        );
        assert_eq!(groups[4].label, "群众合计");
        assert_eq!(groups[5].label, "党员和群众合计");
        // Every group lists every question, in the definition's order.
        for g in &groups {
            let questions: Vec<&str> = g.questions.iter().map(|q| q.key.as_str()).collect();
            assert_eq!(questions, ["org", "secretary"]);
        }
    }

    #[test]
    fn combined_groups_appear_only_when_they_combine_something() {
        let mut def = Definition::seed("x");
        def.audiences = vec![Audience::Members, Audience::Parents];
        assert_eq!(
            keys(&group_figures(&def, &HashMap::new())),
            ["members", "parents", "all"]
        );
        def.audiences = vec![Audience::Staff, Audience::Parents];
        assert_eq!(
            keys(&group_figures(&def, &HashMap::new())),
            ["staff", "parents", "masses"]
        );
        def.audiences = vec![Audience::Members];
        assert_eq!(keys(&group_figures(&def, &HashMap::new())), ["members"]);
    }

    #[test]
    fn combined_groups_add_the_counts_of_their_audiences() {
        let mut def = Definition::seed("x");
        def.min_group = 1;
        let tallies: HashMap<(Audience, String), Tally> = [
            ((Audience::Members, "org".to_owned()), tally(&[9, 1, 0], 0)),
            ((Audience::Staff, "org".to_owned()), tally(&[5, 3, 2], 1)),
            ((Audience::Parents, "org".to_owned()), tally(&[10, 0, 0], 2)),
        ]
        .into_iter()
        .collect();
        let groups = group_figures(&def, &tallies);
        let org = |key: &str| org_question(&groups, key);
        assert_eq!(org("staff").tally, tally(&[5, 3, 2], 1));
        assert_eq!(org("others").tally, tally(&[0, 0, 0], 0));
        assert_eq!(org("masses").tally, tally(&[15, 3, 2], 3));
        assert_eq!(org("all").tally, tally(&[24, 4, 2], 3));
        // The figure is the domain's, from the combined counts.
        let all = org("all");
        assert_eq!(
            all.figure,
            figure(&all.tally, &def.convention, def.min_group)
        );
        assert_eq!(all.figure.valid, 30);
        assert_eq!(org("others").figure.star, Verdict::NoData);
        // A question nobody answered in a group still has its (empty) counts.
        let secretary = &groups[0].questions[1];
        assert_eq!(secretary.tally, Tally::empty(&def.scale));
    }

    #[test]
    fn small_counts_are_withheld_and_open_counts_move_in_steps() {
        assert_eq!(step_down(0, 5), 0);
        assert_eq!(step_down(4, 5), 0);
        assert_eq!(step_down(5, 5), 5);
        assert_eq!(step_down(14, 5), 10);
        assert_eq!(step_down(7, 0), 7);
        assert_eq!(at_least_group(0, 5), Some(0));
        assert_eq!(at_least_group(4, 5), None);
        assert_eq!(at_least_group(5, 5), Some(5));

        let mut def = Definition::seed("x");
        def.min_group = 5;
        let tallies: HashMap<(Audience, String), Tally> = [
            ((Audience::Members, "org".to_owned()), tally(&[3, 1, 0], 0)),
            ((Audience::Staff, "org".to_owned()), tally(&[3, 1, 0], 1)),
        ]
        .into_iter()
        .collect();
        let mut groups = group_figures(&def, &tallies);
        suppress_small(&mut groups, &def);
        let org = |key: &str| org_question(&groups, key);
        // Four members: withheld. Five staff (one 不了解): shown. Nobody: nothing to hide.
        assert!(org("members").suppressed);
        assert_eq!(org("members").tally, Tally::empty(&def.scale));
        assert_eq!(org("members").figure.star, Verdict::NoData);
        assert!(!org("staff").suppressed);
        assert_eq!(org("staff").tally, tally(&[3, 1, 0], 1));
        assert!(!org("parents").suppressed);
        assert_eq!(org("all").tally, tally(&[6, 2, 0], 1));
    }

    #[test]
    fn a_rate_as_text_is_rounded_down() {
        assert_eq!(rate_text(0, 0), "—");
        assert_eq!(rate_text(2, 3), "66.6%");
        assert_eq!(rate_text(18, 20), "90.0%");
    }
}
