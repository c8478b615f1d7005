//! The rating page's charts, drawn as SVG on the server: they read without JavaScript and
//! print. Participation by month against the 90 % line, the 主题党日 month grid, and
//! satisfaction per audience with its 95 % interval against the 90 % and 95 % bars.

use crate::domain::cadence::CheckState;
use crate::rating::{Charts, SatisfactionBar};
use leptos::prelude::*;

#[component]
pub(super) fn ChartsSection(charts: Charts) -> impl IntoView {
    view! {
        <section class="card charts" aria-labelledby="charts-h">
            <h2 id="charts-h">"图表"</h2>
            <ChartsBody charts=charts/>
        </section>
    }
}

/// A branch's charts on the 总支's dashboard: folded under its card (a `<details>`, which opens
/// without JavaScript), so a phone scrolls through the branches first.
#[component]
pub(super) fn RowCharts(charts: Charts) -> impl IntoView {
    view! {
        <details class="charts">
            <summary>"图表：参与率、主题党日、满意度"</summary>
            <ChartsBody charts=charts/>
        </details>
    }
}

/// The three charts, each under its heading.
#[component]
fn ChartsBody(charts: Charts) -> impl IntoView {
    let Charts {
        months,
        theme_days,
        satisfaction,
        campaign,
    } = charts;
    view! {
        <h3>"党员参与率（按月）"</h3>
        <MonthBars months=months/>
        <h3>"主题党日（每月）"</h3>
        <MonthGrid cells=theme_days/>
        {campaign.map(|title| view! {
            <h3>{format!("对党组织的满意度：{title}")}</h3>
            <SatisfactionBars bars=satisfaction/>
        })}
    }
}

#[component]
fn MonthBars(months: Vec<(String, u32, u32, String)>) -> impl IntoView {
    const W: f64 = 24.0;
    const H: f64 = 100.0;
    let summary = months
        .iter()
        .map(|(n, e, _, t)| {
            if *e == 0 {
                format!("{n} —")
            } else {
                format!("{n} {t}")
            }
        })
        .collect::<Vec<_>>()
        .join("，");
    view! {
        <svg class="chart" viewBox="0 0 300 130" role="img" aria-label={format!("各月参与率：{summary}")}>
            <line x1="0" x2="300" y1={H - 90.0} y2={H - 90.0} class="bar-line"/>
            <text x="296" y={H - 92.0} class="chart-note" text-anchor="end">"90%"</text>
            {months.into_iter().enumerate().map(|(i, (name, expected, present, _))| {
                let x = 6.0 + i as f64 * W;
                let rate = if expected == 0 { 0.0 } else { f64::from(present) / f64::from(expected) };
                let h = rate * 100.0;
                let class = if expected == 0 { "bar-none" } else if present * 10 >= expected * 9 { "bar-met" } else { "bar-not-met" };
                view! {
                    <rect x=x y={H - h} width={W - 6.0} height=h class=class/>
                    <text x={x + (W - 6.0) / 2.0} y="122" class="chart-note" text-anchor="middle">{name.trim_end_matches('月').to_owned()}</text>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
fn MonthGrid(cells: Vec<(String, CheckState)>) -> impl IntoView {
    view! {
        <ol class="month-grid">
            {cells.into_iter().map(|(name, state)| {
                let (class, word) = match state {
                    CheckState::Met => ("cell-met", "已开展"),
                    CheckState::Missed => ("cell-missed", "未开展"),
                    CheckState::Due => ("cell-due", "本月待开展"),
                    CheckState::Future => ("cell-future", "未到"),
                };
                view! { <li class=class title=word>{name}<span class="sr-only">{word}</span></li> }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn SatisfactionBars(bars: Vec<SatisfactionBar>) -> impl IntoView {
    let lines: Vec<String> = bars
        .iter()
        .map(|b| format!("{}：{}", b.label, b.text))
        .collect();
    const X0: f64 = 70.0;
    const W: f64 = 220.0;
    let height = 24.0 * bars.len() as f64 + 20.0;
    let x = |v: f64| X0 + v.clamp(0.0, 1.0) * W;
    let summary = bars
        .iter()
        .map(|b| format!("{} {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("；");
    view! {
        <svg class="chart" viewBox={format!("0 0 300 {height}")} role="img" aria-label=summary>
            <line x1={x(0.9)} x2={x(0.9)} y1="0" y2={height - 16.0} class="bar-line"/>
            <line x1={x(0.95)} x2={x(0.95)} y1="0" y2={height - 16.0} class="bar-line red"/>
            <text x={x(0.9)} y={height - 4.0} class="chart-note" text-anchor="end">"90%"</text>
            <text x={x(0.95)} y={height - 4.0} class="chart-note" text-anchor="start">"95%"</text>
            {bars.into_iter().enumerate().map(|(i, b)| {
                let y = 4.0 + i as f64 * 24.0;
                view! {
                    <text x="0" y={y + 12.0} class="chart-note">{b.label}</text>
                    {b.value.map(|v| view! {
                        <rect x=X0 y=y width={x(v) - X0} height="14" class={if v >= 0.9 { "bar-met" } else { "bar-not-met" }}/>
                    })}
                    {b.interval.map(|(lo, hi)| view! {
                        <line x1={x(lo)} x2={x(hi)} y1={y + 7.0} y2={y + 7.0} class="interval"/>
                    })}
                }
            }).collect_view()}
        </svg>
        <ul class="chart-legend">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
    }
}
