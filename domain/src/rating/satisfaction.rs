//! The satisfaction criteria: the year's latest campaign asking the question of the audience
//! decides, once it is over; the rate decides, the count and interval are shown beside it.

use super::State;
use super::inputs::{Inputs, SurveyInput};
use super::judged::{Judged, year_over};
use super::rules::{AudienceGroup, Question};
use crate::figures::{interval_text, value_text};
use crate::survey::{Convention, Tally, Verdict, bar_verdict, figure};

fn group_label(audience: AudienceGroup, question: Question) -> String {
    let who = match audience {
        AudienceGroup::Members => "党员",
        AudienceGroup::Masses => "群众",
    };
    let what = match question {
        Question::Org => "党组织",
        Question::Secretary => "支部书记",
    };
    format!("{who}对{what}满意度")
}

fn in_group(audience: crate::ballot::Audience, group: AudienceGroup) -> bool {
    match group {
        AudienceGroup::Members => !audience.is_masses(),
        AudienceGroup::Masses => audience.is_masses(),
    }
}

pub(super) fn satisfaction(
    group: AudienceGroup,
    question: Question,
    bar: u8,
    score_bar: Option<u8>,
    inputs: &Inputs<'_>,
) -> Judged {
    let label = group_label(group, question);
    let campaign: Option<&SurveyInput> = inputs
        .surveys
        .iter()
        .filter(|s| {
            s.questions.iter().any(|q| q == question.key())
                && s.audiences.iter().any(|a| in_group(*a, group))
        })
        .max_by(|a, b| {
            a.closes_on
                .cmp(&b.closes_on)
                .then(a.campaign_id.cmp(&b.campaign_id))
        });
    let Some(s) = campaign else {
        let over = year_over(inputs);
        return Judged::new(
            if over { State::NotMet } else { State::Pending },
            format!("本年度没有测评{label}的满意度测评"),
        )
        .next(format!("开展本年度满意度测评（含{label}）"))
        .lost(over);
    };
    let mut j = if !s.closed {
        Judged::new(
            State::Pending,
            format!("测评“{}”进行中，{} 结束后计算", s.title, s.closes_on),
        )
    } else {
        closed_satisfaction(
            s,
            group,
            question,
            bar,
            score_bar,
            &label,
            year_over(inputs),
        )
    };
    j.campaign_id = Some(s.campaign_id.clone());
    if s.closed {
        let from = format!("来自测评“{}”（{} 结束）", s.title, s.closes_on);
        j.detail = if j.detail.is_empty() {
            from
        } else {
            format!("{}；{from}", j.detail)
        };
    }
    j
}

fn closed_satisfaction(
    s: &SurveyInput,
    group: AudienceGroup,
    question: Question,
    bar: u8,
    score_bar: Option<u8>,
    label: &str,
    over: bool,
) -> Judged {
    let tally = s
        .tallies
        .iter()
        .filter(|(a, q, _)| in_group(*a, group) && q == question.key())
        .fold(None::<Tally>, |acc, (_, _, t)| {
            Some(match acc {
                None => t.clone(),
                Some(sum) => sum + t.clone(),
            })
        })
        .unwrap_or_default();
    let effective_bar = match (&s.convention, score_bar) {
        (Convention::Rate { .. }, _) => u32::from(bar),
        (Convention::Weighted { .. }, Some(points)) => u32::from(points),
        (Convention::Weighted { .. }, None) => {
            return Judged::new(
                State::NotMet,
                format!(
                    "“{}”按加权得分计算，本规则未规定得分与满意率的对应，不计入",
                    s.title
                ),
            )
            .next(format!("开展按满意率计算的测评（含{label}）"))
            .lost(over);
        }
    };
    let f = figure(&tally, &s.convention, s.min_group);
    let valid = tally.valid();
    let unit_bar = match s.convention {
        Convention::Rate { .. } => format!("{bar}%"),
        Convention::Weighted { .. } => format!("{effective_bar} 分"),
    };
    let mut j = match bar_verdict(&tally, &s.convention, s.min_group, effective_bar) {
        Verdict::NoData => Judged::new(State::NotMet, format!("{label}：没有有效票")),
        Verdict::TooFew => Judged::new(
            State::NotMet,
            format!(
                "{label}：有效票 {valid} 张，少于最少人数 {}，不能评定",
                s.min_group
            ),
        ),
        v => {
            let value = value_text(&f, &s.convention);
            let mut j = Judged::new(
                if v.is_met() {
                    State::Met
                } else {
                    State::NotMet
                },
                format!("{label} {value}"),
            );
            j.detail = format!(
                "有效票 {valid} 张，95% 区间 {}，{}",
                interval_text(&f, &s.convention),
                match v {
                    Verdict::MetWithConfidence => "区间下限也达到",
                    Verdict::Met => "达到，但区间下限低于标准",
                    _ => "未达到",
                }
            );
            if !v.is_met() {
                j.next_step = format!("{label} {value}，需 ≥ {unit_bar}");
            }
            j
        }
    };
    if j.state != State::Met && j.next_step.is_empty() {
        j.next_step = format!("{label}需 ≥ {unit_bar}，且有效票不少于 {} 张", s.min_group);
    }
    j.lost = j.state != State::Met && over;
    j
}
