//! Participation figures against the bar, by year, month and quarter, and the cadence
//! rules' checks.

use crate::branch::{BranchSummary, Figure, PeriodFigure};
use crate::domain::cadence::{CheckState, RuleCheck};
use crate::domain::participation::{BarStatus, Percent};
use leptos::prelude::*;

pub(super) fn verdict(status: BarStatus, bar: Percent) -> (&'static str, String) {
    match status {
        BarStatus::Met => ("verdict met", format!("达到 ≥{}% 的要求", bar.0)),
        BarStatus::NotMet => ("verdict not-met", format!("未达到 ≥{}% 的要求", bar.0)),
        BarStatus::NoData => ("verdict no-data", "尚无已开展的活动".to_owned()),
    }
}

#[component]
pub(super) fn YearFigure(summary: BranchSummary, bar: Percent) -> impl IntoView {
    let Figure {
        attendance,
        rate_text,
        status,
    } = summary.year_figure;
    let (class, text) = verdict(status, bar);
    view! {
        <section class="card figure-card" aria-label="全年党员参与率">
            <p class="figure-label">{format!("{}年党员参与率", summary.year)}</p>
            <p class="figure-value" data-testid="year-rate">{rate_text}</p>
            <p class="figure-counts">
                {format!("实到 {} 人次 / 应到 {} 人次 · 已开展 {} 次活动",
                    attendance.present, attendance.expected, summary.held)}
            </p>
            <p class=class>{text}</p>
            <RuleNote bar=bar/>
        </section>
    }
}

#[component]
pub(super) fn RuleNote(bar: Percent) -> impl IntoView {
    view! {
        <p class="rule-note">
            {format!("党员参与率 = 实到 ÷ 应到，要求 ≥{}%。", bar.0)}
            "请假不算出席：请假的党员计入应到，不计入实到。尚未开始的活动不计入。"
        </p>
    }
}

#[component]
pub(super) fn PeriodFigures(
    months: Vec<PeriodFigure>,
    quarters: Vec<PeriodFigure>,
) -> impl IntoView {
    let bar_row = |p: PeriodFigure| {
        let a = p.figure.attendance;
        let width = a.rate().map_or(0.0, |r| r * 100.0);
        let class = match p.figure.status {
            BarStatus::Met => "bar bar-met",
            BarStatus::NotMet => "bar bar-not-met",
            BarStatus::NoData => "bar bar-none",
        };
        view! {
            <li class="bar-row">
                <span class="bar-name">{p.name.clone()}</span>
                <span class="bar-track"><span class=class style=format!("width: {width:.1}%")></span></span>
                <span class="bar-value">{p.figure.rate_text.clone()}</span>
            </li>
        }
    };
    view! {
        <section aria-labelledby="periods-h">
            <h2 id="periods-h">"党员参与率（按季度、按月）"</h2>
            <table class="quarters">
                <thead><tr><th>"季度"</th><th>"应到"</th><th>"实到"</th><th>"参与率"</th></tr></thead>
                <tbody>
                    {quarters.into_iter().map(|q| view! {
                        <tr>
                            <td>{q.name.clone()}</td>
                            <td>{q.figure.attendance.expected}</td>
                            <td>{q.figure.attendance.present}</td>
                            <td>{q.figure.rate_text.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ul class="bars" aria-label="各月参与率">{months.into_iter().map(bar_row).collect_view()}</ul>
        </section>
    }
}

#[component]
pub(super) fn Cadence(checks: Vec<RuleCheck>) -> impl IntoView {
    view! {
        <section aria-labelledby="cadence-h">
            <h2 id="cadence-h">"三会一课与主题党日"</h2>
            <div class="cadence">
                {checks.into_iter().map(|c| {
                    let label = format!("{}（{}至少 {} 次）", c.rule.kind.label(), c.rule.per.label(), c.periods.first().map_or(c.rule.min, |p| p.required));
                    let verdict = if c.on_track { ("verdict met", "按要求开展") } else { ("verdict not-met", "有未达要求的时段") };
                    view! {
                        <div class="cadence-row">
                            <p class="cadence-label">{label}<span class=verdict.0>{verdict.1}</span></p>
                            <ol class="cadence-cells">
                                {c.periods.into_iter().map(|p| {
                                    let (class, word) = match p.state {
                                        CheckState::Met => ("cell cell-met", "已开展"),
                                        CheckState::Missed => ("cell cell-missed", "未开展"),
                                        CheckState::Due => ("cell cell-due", "待开展"),
                                        CheckState::Future => ("cell cell-future", "未到"),
                                    };
                                    let title = format!("{}：{}（{}/{}）", p.name, word, p.held, p.required);
                                    view! { <li class=class title=title.clone() aria-label=title>{p.name.clone()}</li> }
                                }).collect_view()}
                            </ol>
                        </div>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}
