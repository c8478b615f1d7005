//! `/branch/{id}/rating`: the branch's stars, level, red flag and targets, every criterion with
//! its state and numbers, and what still stands between the branch and its target. Rendered on
//! the server, so it reads (and prints) without JavaScript; the evidence and register forms
//! post to their server functions.

mod charts;
mod evidence;
mod overview;
mod registers;

pub use overview::RatingOverviewPage;

use super::{RatingView, TargetView, load_rating};
use crate::branch::{YearPicker, asked_year};
use crate::domain::rating::{CriterionResult, IndicatorResult, Level, Outlook, Rating, State};
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RatingPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let year = asked_year();
    let data = Resource::new(move || (id(), year()), |(id, year)| load_rating(id, year));
    provide_reload(move || data.refetch());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <RatingBody view=v/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn level_class(level: Level) -> &'static str {
    match level {
        Level::RedFlag => "level level-red-flag",
        Level::Advanced => "level level-advanced",
        Level::Average => "level level-average",
        Level::Lagging => "level level-lagging",
    }
}

fn state_class(state: State) -> &'static str {
    match state {
        State::Met => "state state-met",
        State::NotMet => "state state-not-met",
        State::Pending => "state state-pending",
        State::AwaitingEvidence => "state state-evidence",
        State::AwaitingApproval => "state state-approval",
    }
}

fn outlook_class(o: Outlook) -> &'static str {
    match o {
        Outlook::Achieved | Outlook::OnTrack => "state state-met",
        Outlook::AtRisk => "state state-pending",
        Outlook::Missed => "state state-not-met",
    }
}

#[component]
fn RatingBody(view: RatingView) -> impl IntoView {
    let RatingView {
        viewer,
        report,
        years,
        may_submit,
        may_decide,
        evidence,
        registers,
        activities,
        charts,
        general,
    } = view;
    let base = format!("/branch/{}/rating", report.org_id);
    let figures = format!("/branch/{}", report.org_id);
    let title = format!("{} · {}年度评定 · 星旗", report.org_name, report.year);
    let org_id = report.org_id.clone();
    let year = report.year;
    let so_far = (!report.year_over).then_some("（截至今日，年度未结束）");
    view! {
        <Title text=title/>
        <TopBar user=viewer/>
        <main class="page rating-page">
            <h1>{format!("{} · {}年度评定", report.org_name, report.year)}</h1>
            <YearPicker base=base year=report.year years=years/>
            <p class="hint-left">
                {format!("评定方案：{}", report.rating.scheme)}{so_far}" · "
                <a href=format!("/branch/{}/plan?year={}", report.org_id, report.year)>"年度争创方案"</a>" · "
                {if general {
                    view! { <span>"总支自身评定：每项条件由总支提交佐证，上级教育局审核"</span> }.into_any()
                } else {
                    view! { <a href=figures>"活动与参与率"</a> }.into_any()
                }}
            </p>
            <Summary rating=report.rating.clone() last_year=report.last_year.clone() trend=report.trend/>
            <Targets targets=report.targets.clone() org_id=org_id.clone() may_decide=may_decide/>
            {report
                .rating
                .indicators
                .iter()
                .cloned()
                .map(|i| view! { <IndicatorCard indicator=i/> })
                .collect_view()}
            <RedFlagCard rating=report.rating.clone()/>
            {(!general).then(|| view! { <charts::ChartsSection charts=charts/> })}
            <evidence::EvidenceSection
                org_id=org_id.clone()
                year=year
                items=evidence
                activities=activities
                may_submit=may_submit
                may_decide=may_decide
            />
            <registers::RegistersSection org_id=org_id year=year registers=registers may_decide=may_decide/>
        </main>
    }
}

/// Stars as badges, the level, last year's and 晋位升级.
#[component]
fn Summary(
    rating: Rating,
    last_year: Option<super::LastYear>,
    trend: Option<crate::domain::rating::Trend>,
) -> impl IntoView {
    let stars: String = (0..rating.max_stars)
        .map(|i| if i < rating.stars { '★' } else { '☆' })
        .collect();
    let stars_label = format!("{} 星（满 {} 星）", rating.stars, rating.max_stars);
    let points = rating.points.map(|p| format!("总分 {p}"));
    let last = last_year.map(|l| {
        format!(
            "{}年{}：{}",
            l.year,
            if l.baseline { "（基线）" } else { "" },
            l.level.label()
        )
    });
    let trend = trend.map(|t| format!("晋位升级：{}", t.label()));
    view! {
        <section class="card rating-summary" aria-label="星级与等次">
            <p class="stars" role="img" aria-label=stars_label.clone()>{stars}</p>
            <p class="meta">{stars_label}{points.map(|p| format!(" · {p}"))}</p>
            <p><span class=level_class(rating.level)>{rating.level.label()}</span></p>
            {last.map(|l| view! { <p class="meta">{l}{trend.map(|t| format!(" · {t}"))}</p> })}
        </section>
    }
}

#[component]
fn Targets(targets: Vec<TargetView>, org_id: String, may_decide: bool) -> impl IntoView {
    let remove = ServerAction::<super::RemoveTarget>::new();
    crate::ui::reload_after(move || matches!(remove.value().get(), Some(Ok(_))));
    (!targets.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="targets-h">
                <h2 id="targets-h">"目标"</h2>
                {targets
                    .into_iter()
                    .map(|t| {
                        let org_id = org_id.clone();
                        view! {
                            <div class="target">
                                <p>
                                    <strong>{format!("{} 前达到{}", t.deadline, t.level.label())}</strong>" "
                                    <span class=outlook_class(t.outlook)>{t.outlook.label()}</span>
                                </p>
                                {may_decide.then(move || view! {
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="org_id" value=org_id/>
                                        <input type="hidden" name="id" value=t.id.clone()/>
                                        <button type="submit" class="btn btn-small btn-danger">"取消此目标"</button>
                                    </ActionForm>
                                })}
                                {(!t.reasons.is_empty()).then(|| view! {
                                    <ul class="reasons">{t.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                                })}
                                {(!t.steps.is_empty()).then(|| view! {
                                    <details class="steps" open>
                                        <summary>"离目标还差"</summary>
                                        <ul>{t.steps.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                                    </details>
                                })}
                            </div>
                        }
                    })
                    .collect_view()}
            </section>
        }
    })
}

#[component]
fn IndicatorCard(indicator: IndicatorResult) -> impl IntoView {
    let heading = format!("ind-{}-h", indicator.key);
    let labelled_by = heading.clone();
    let verdict = if indicator.met {
        ("verdict met", "★ 已达到")
    } else {
        ("verdict not-met", "未达到")
    };
    let points = (indicator.max_points > 0)
        .then(|| format!("{} / {} 分", indicator.points, indicator.max_points));
    view! {
        <section class="card indicator" aria-labelledby=labelled_by>
            <h2 id=heading>{indicator.name}</h2>
            <p class=verdict.0>{verdict.1}{points.map(|p| format!(" · {p}"))}</p>
            <ul class="criteria">
                {indicator.criteria.into_iter().map(|c| view! { <Criterion c=c/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Criterion(c: CriterionResult) -> impl IntoView {
    let source = if c.computed {
        "系统计算"
    } else {
        "佐证审核"
    };
    view! {
        <li class="criterion">
            <p>
                <span class=state_class(c.state)>{c.state.label()}</span>" "
                <strong>{c.name}</strong>
                <span class="tags">{format!(" · {source}")}</span>
            </p>
            <p class="meta">{c.figure}</p>
            {(!c.detail.is_empty()).then(|| view! { <p class="hint-left">{c.detail}</p> })}
            {(!c.next_step.is_empty() && c.state != State::Met).then(|| view! { <p class="todo-note">{c.next_step}</p> })}
        </li>
    }
}

#[component]
fn RedFlagCard(rating: Rating) -> impl IntoView {
    let eligible = rating.level == Level::RedFlag;
    let verdict = if eligible {
        ("verdict met", "符合红旗条件")
    } else if rating.red_flag_conditions_met {
        (
            "verdict not-met",
            "红旗附加条件已达到，但五项指标尚未全部达到",
        )
    } else {
        ("verdict not-met", "尚不符合红旗条件")
    };
    view! {
        <section class="card indicator" aria-labelledby="red-flag-h">
            <h2 id="red-flag-h">"红旗：五星 + 附加条件"</h2>
            <p class=verdict.0>{verdict.1}</p>
            <ul class="criteria">
                {rating.red_flag.into_iter().map(|c| view! { <Criterion c=c/> }).collect_view()}
            </ul>
        </section>
    }
}
