//! The numbers the rating page draws: participation by month, the 主题党日 month grid, and
//! satisfaction per audience with intervals from the year's latest closed campaign.

use super::gather::Gathered;
use crate::domain::activity::ActivityKind;
use crate::domain::ballot::{Audience, ORG_QUESTION};
use crate::domain::cadence::{Period, Rule, check};
use crate::domain::figures::{interval_text, value_text};
use crate::domain::survey::{Convention, Tally, figure};
use crate::rating::{Charts, SatisfactionBar};

pub fn charts(g: &Gathered) -> Charts {
    let o = &g.overview;
    let months = o
        .months
        .iter()
        .map(|m| {
            let a = m.figure.attendance;
            (
                m.name.clone(),
                a.expected,
                a.present,
                m.figure.rate_text.clone(),
            )
        })
        .collect();
    let inputs = g.inputs();
    let held: Vec<_> = inputs.held.iter().map(|(h, _)| *h).collect();
    let monthly = Rule {
        kind: ActivityKind::ThemeDay,
        per: Period::Month,
        min: 1,
    };
    let theme_days = check(&[monthly], &held, inputs.year, inputs.now, &inputs.shape)
        .into_iter()
        .flat_map(|c| c.periods)
        .map(|p| (p.name, p.state))
        .collect();
    let latest = g
        .surveys
        .iter()
        .filter(|s| s.closed && s.questions.iter().any(|q| q == ORG_QUESTION))
        .max_by(|a, b| a.closes_on.cmp(&b.closes_on));
    let (satisfaction, campaign) = match latest {
        None => (Vec::new(), None),
        Some(s) => {
            let tally_of = |pick: &dyn Fn(Audience) -> bool| {
                s.tallies
                    .iter()
                    .filter(|(a, q, _)| pick(*a) && q == ORG_QUESTION)
                    .fold(Tally::default(), |sum, (_, _, t)| sum + t.clone())
            };
            let mut groups: Vec<(String, Tally)> = s
                .audiences
                .iter()
                .map(|a| (a.label().to_owned(), tally_of(&|x| x == *a)))
                .collect();
            if s.audiences.iter().filter(|a| a.is_masses()).count() > 1 {
                groups.push(("群众合计".into(), tally_of(&|x: Audience| x.is_masses())));
            }
            let bars = groups
                .into_iter()
                .map(|(label, t)| bar(label, &t, &s.convention, s.min_group))
                .collect();
            (bars, Some(s.title.clone()))
        }
    };
    Charts {
        months,
        theme_days,
        satisfaction,
        campaign,
    }
}

fn bar(label: String, tally: &Tally, convention: &Convention, min_group: u32) -> SatisfactionBar {
    let f = figure(tally, convention, min_group);
    let scale = match convention {
        Convention::Rate { .. } => 1.0,
        Convention::Weighted { .. } => 0.01,
    };
    let text = match f.value {
        None => format!("有效票 {} 张，少于 {min_group} 张不计算", f.valid),
        Some(_) => format!(
            "{}（{}，有效票 {}）",
            value_text(&f, convention),
            interval_text(&f, convention),
            f.valid
        ),
    };
    SatisfactionBar {
        label,
        valid: f.valid,
        value: f.value.map(|v| v * scale),
        interval: f.interval.map(|(lo, hi)| (lo * scale, hi * scale)),
        text,
    }
}
