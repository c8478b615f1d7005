//! Each criterion of a rule set judged against one organisation's year.

use super::inputs::{EvidenceState, Inputs};
use super::judged::{Judged, year_over};
use super::rules::{Criterion, CriterionKind};
use super::{CriterionResult, State};
use crate::activity::ActivityKind;
use crate::cadence::{CheckState, DEFAULT_RULES, Held, Rule, check};
use crate::participation::{BarStatus, Percent};
use chrono::{Datelike, Months};

/// Judges one criterion.
pub fn judge(criterion: &Criterion, inputs: &Inputs<'_>) -> CriterionResult {
    let j = match &criterion.kind {
        CriterionKind::Participation { bar } => participation(*bar, inputs),
        CriterionKind::Cadence { kinds, recorded } => cadence(kinds, *recorded, inputs),
        CriterionKind::YoungRecruit { under } => young_recruit(*under, inputs),
        CriterionKind::NoViolation { committee_only } => no_violation(*committee_only, inputs),
        CriterionKind::Satisfaction {
            audience,
            question,
            bar,
            score_bar,
        } => super::satisfaction::satisfaction(*audience, *question, *bar, *score_bar, inputs),
        CriterionKind::Evaluation { at_least } => match inputs.evaluation {
            None => Judged::new(State::Pending, "班子年度测评尚未录入")
                .next("等待总支录入班子年度测评结果"),
            Some(e) if e >= *at_least => {
                Judged::new(State::Met, format!("班子年度测评：{}", e.label()))
            }
            Some(e) => Judged::new(
                State::NotMet,
                format!("班子年度测评：{}（需{}）", e.label(), at_least.label()),
            )
            .lost(true),
        },
        CriterionKind::Assessment { at_least } => assessment(*at_least, inputs),
        CriterionKind::Honour { at_least } => {
            let found = inputs
                .honours
                .iter()
                .filter(|h| h.date.year() == inputs.year && h.level >= *at_least)
                .max_by_key(|h| h.level);
            match found {
                Some(h) => Judged::new(
                    State::Met,
                    format!("{}（{}，{}）", h.title, h.level.label(), h.date),
                ),
                None => Judged::new(
                    State::NotMet,
                    format!("本年度尚无{}及以上表彰", at_least.label()),
                )
                .next(format!(
                    "需受到{}及以上表彰（录入表彰登记）",
                    at_least.label()
                ))
                .lost(year_over(inputs)),
            }
        }
        CriterionKind::Attested { .. } => attested(&criterion.key, inputs),
    };
    CriterionResult {
        key: criterion.key.clone(),
        name: criterion.name.clone(),
        computed: !criterion.kind.is_attested(),
        state: j.state,
        figure: j.figure,
        detail: j.detail,
        next_step: j.next_step,
        lost: j.lost,
        at_risk: j.lost || j.at_risk,
        campaign_id: j.campaign_id,
    }
}

fn participation(bar: u8, inputs: &Inputs<'_>) -> Judged {
    let a = inputs.participation;
    let figure = format!(
        "参与率 {}（实到 {} / 应到 {} 人次）",
        a.percent_text(),
        a.present,
        a.expected
    );
    match a.status(Percent(bar)) {
        BarStatus::NoData => Judged::new(
            if year_over(inputs) {
                State::NotMet
            } else {
                State::Pending
            },
            "本年度尚无已开展的活动",
        )
        .next("开展活动并记录签到")
        .lost(year_over(inputs)),
        BarStatus::Met => Judged::new(State::Met, figure),
        BarStatus::NotMet => {
            // The smallest number of further attendances at today's 应到 that reaches the bar.
            let needed = (u64::from(a.expected) * u64::from(bar)).div_ceil(100);
            let missing = needed.saturating_sub(u64::from(a.present));
            let s = u64::from(inputs.scheduled_expected);
            let reachable =
                (u64::from(a.present) + s) * 100 >= (u64::from(a.expected) + s) * u64::from(bar);
            let mut j = Judged::new(State::NotMet, figure)
                .next(format!(
                    "参与率 {}，需 ≥ {bar}%，按目前应到还差 {missing} 人次",
                    a.percent_text()
                ))
                .lost(year_over(inputs));
            j.at_risk = !reachable;
            j
        }
    }
}

/// The deployment's rule for `kind`, or the usual minimum.
fn rule_for(kind: ActivityKind, rules: &[Rule]) -> Option<Rule> {
    rules
        .iter()
        .chain(DEFAULT_RULES.iter())
        .find(|r| r.kind == kind)
        .copied()
}

fn cadence(kinds: &[ActivityKind], recorded: bool, inputs: &Inputs<'_>) -> Judged {
    let rules: Vec<Rule> = kinds
        .iter()
        .filter_map(|k| rule_for(*k, &inputs.cadence))
        .collect();
    let all_held: Vec<Held<'_>> = inputs
        .held
        .iter()
        .filter(|(h, _)| kinds.contains(&h.kind))
        .map(|(h, _)| *h)
        .collect();
    let counted: Vec<Held<'_>> = inputs
        .held
        .iter()
        .filter(|(h, minutes)| kinds.contains(&h.kind) && (*minutes || !recorded))
        .map(|(h, _)| *h)
        .collect();
    let checks = check(&rules, &counted, inputs.year, inputs.now, &inputs.shape);
    let held_checks = check(&rules, &all_held, inputs.year, inputs.now, &inputs.shape);
    if checks.is_empty() {
        return Judged::new(State::Met, "本支部不适用");
    }
    let mut missed = Vec::new();
    let mut unrecorded = Vec::new();
    let mut due = Vec::new();
    let mut lost = false;
    let mut at_risk = false;
    for (c, h) in checks.iter().zip(&held_checks) {
        let label = c.rule.kind.label();
        for (p, hp) in c.periods.iter().zip(&h.periods) {
            match p.state {
                CheckState::Missed if hp.state == CheckState::Met => {
                    unrecorded.push(format!("{}{}", p.name, label));
                }
                CheckState::Missed => {
                    lost = true;
                    missed.push(format!("{}{}（{}/{}）", p.name, label, p.held, p.required));
                }
                CheckState::Due => {
                    let scheduled = inputs
                        .scheduled
                        .iter()
                        .filter(|s| {
                            s.kind == c.rule.kind
                                && s.starts_at >= p.starts_at
                                && s.starts_at < p.ends_at
                        })
                        .count() as u32;
                    if p.held + scheduled < p.required {
                        at_risk = true;
                    }
                    due.push(format!(
                        "{}还需开展 {} 次{}",
                        p.name,
                        p.required - p.held.min(p.required),
                        label
                    ));
                }
                _ => {}
            }
        }
    }
    let periods: usize = checks.iter().map(|c| c.periods.len()).sum();
    let met: usize = checks
        .iter()
        .flat_map(|c| &c.periods)
        .filter(|p| p.state == CheckState::Met)
        .count();
    let figure = format!("{met}/{periods} 个周期已达到");
    let mut steps = Vec::new();
    if !unrecorded.is_empty() {
        steps.push(format!("补录会议记录：{}", unrecorded.join("、")));
    }
    if !missed.is_empty() {
        steps.push(format!("未达到且已无法补足：{}", missed.join("、")));
    }
    steps.extend(due);
    let state = if met == periods {
        State::Met
    } else if !missed.is_empty() || !unrecorded.is_empty() {
        State::NotMet
    } else {
        State::Pending
    };
    let mut j = Judged::new(state, figure).next(steps.join("；")).lost(lost);
    if at_risk && !lost {
        j.at_risk = true;
        j.detail = "本期已排的活动不足以达到最低频次".into();
    }
    j
}

fn young_recruit(under: u8, inputs: &Inputs<'_>) -> Judged {
    let found = inputs.members.iter().find(|m| {
        let (Some(join), Some(birth)) = (m.join_date, m.birth_date) else {
            return false;
        };
        m.staff
            && join.year() == inputs.year
            && birth
                .checked_add_months(Months::new(u32::from(under) * 12))
                .is_some_and(|limit| join < limit)
    });
    match found {
        Some(m) => Judged::new(
            State::Met,
            format!(
                "{}（{} 入党）",
                m.name,
                m.join_date.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        None => Judged::new(
            State::NotMet,
            format!("本年度尚未从教职工中发展 {under} 岁以下党员"),
        )
        .next(format!("本年度还需从教职工中发展 1 名 {under} 岁以下党员"))
        .lost(year_over(inputs)),
    }
}

fn no_violation(committee_only: bool, inputs: &Inputs<'_>) -> Judged {
    let n = inputs
        .violations
        .iter()
        .filter(|v| v.date.year() == inputs.year && (v.committee || !committee_only))
        .count();
    let who = if committee_only { "支委" } else { "党员" };
    if n == 0 {
        Judged::new(State::Met, format!("本年度{who}无违纪违法记录"))
    } else {
        Judged::new(State::NotMet, format!("本年度{who}违纪违法记录 {n} 起")).lost(true)
    }
}

fn assessment(at_least: super::registers::Assessment, inputs: &Inputs<'_>) -> Judged {
    if inputs.assessments.is_empty() {
        return Judged::new(State::Pending, "尚未设支委").next("在花名册中设置支委");
    }
    let below: Vec<&str> = inputs
        .assessments
        .iter()
        .filter(|(_, a)| a.is_some_and(|a| a < at_least))
        .map(|(n, _)| n.as_str())
        .collect();
    let missing = inputs
        .assessments
        .iter()
        .filter(|(_, a)| a.is_none())
        .count();
    if !below.is_empty() {
        Judged::new(
            State::NotMet,
            format!("{} 名支委考核低于{}", below.len(), at_least.label()),
        )
        .lost(true)
    } else if missing > 0 {
        Judged::new(
            State::Pending,
            format!("{missing} 名支委的年度考核尚未录入"),
        )
        .next("等待总支录入支委年度考核")
    } else {
        Judged::new(
            State::Met,
            format!(
                "{} 名支委均为{}及以上",
                inputs.assessments.len(),
                at_least.label()
            ),
        )
    }
}

fn attested(key: &str, inputs: &Inputs<'_>) -> Judged {
    match inputs.evidence.get(key) {
        Some(e) if e.state == EvidenceState::Approved => Judged::new(State::Met, "佐证已审核通过"),
        Some(e) if e.state == EvidenceState::Submitted => {
            Judged::new(State::AwaitingApproval, "佐证已提交，待总支审核").next("等待总支审核")
        }
        Some(e) if e.state == EvidenceState::Returned => Judged::new(
            State::AwaitingEvidence,
            format!("佐证被退回：{}", e.comment),
        )
        .next("按退回意见修改佐证后重新提交"),
        _ => Judged::new(State::AwaitingEvidence, "尚未提交佐证").next("填写并提交佐证"),
    }
}
