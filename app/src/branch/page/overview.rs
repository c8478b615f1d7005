//! `/branch/:id`: one branch's year of activities, with what waits on the secretary.

use super::figures::{Cadence, PeriodFigures, YearFigure, verdict};
use super::leave::LeaveRequests;
use super::todos::Todos;
use super::year::{YearClosing, YearPicker, asked_year};
use crate::branch::{ActivityFigure, BranchOverview, load_branch_overview};
use crate::domain::time::format_day_time;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// `/branch/:id`
#[component]
pub fn BranchPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let year = asked_year();
    view! {
        {move || view! { <BranchDetail id=id() year=year()/> }}
    }
}

#[component]
pub(super) fn BranchDetail(id: String, year: Option<i32>) -> impl IntoView {
    let data = Resource::new(
        move || (id.clone(), year),
        |(id, year)| load_branch_overview(id, year),
    );
    provide_reload(move || data.refetch());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <BranchView overview=o/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BranchView(overview: BranchOverview) -> impl IntoView {
    let BranchOverview {
        viewer,
        bar,
        summary,
        years,
        current,
        closing,
        activities,
        leave_requests,
        months,
        quarters,
        cadence,
        todos,
    } = overview;
    let base = format!("/branch/{}", summary.id);
    let year = summary.year;
    let (held_heading, held_none) = if current {
        (
            "今年已开展的活动".to_owned(),
            "今年还没有开展活动。".to_owned(),
        )
    } else {
        (
            format!("{year}年开展的活动"),
            format!("{year}年没有开展活动。"),
        )
    };
    let new_activity = format!("/branch/{}/activities/new", summary.id);
    let members = format!("/branch/{}/members", summary.id);
    let rating = format!("/branch/{}/rating?year={}", summary.id, summary.year);
    // Started ones latest first (the record); upcoming ones soonest first (what to prepare).
    let (held, mut upcoming): (Vec<_>, Vec<_>) = activities.into_iter().partition(|a| a.started);
    upcoming.reverse();
    let held_empty = held.is_empty();
    let upcoming_empty = upcoming.is_empty();
    let title = format!("{} · 星旗", summary.name);
    // The bureau reads; only the branch's organisers schedule and keep the roster.
    let runs = viewer.role.runs_branches();
    view! {
        <Title text=title/>
        <TopBar user=viewer/>
        <main class="page">
            <h1>{summary.name.clone()}</h1>
            <YearPicker base=base year=year years=years/>
            <YearClosing state=closing/>
            <p><a href=rating>"★ 本年度创五星、争红旗评定"</a></p>
            <Show when=move || runs>
                <div class="actions">
                    <A href=new_activity.clone() attr:class="btn btn-primary">"安排活动"</A>
                    <A href=members.clone() attr:class="btn">"党员名册"</A>
                </div>
            </Show>
            <Todos todos=todos/>
            <YearFigure summary=summary bar=bar/>
            <PeriodFigures months=months quarters=quarters/>
            <Cadence checks=cadence/>
            <LeaveRequests items=leave_requests/>
            <section aria-labelledby="held-h">
                <h2 id="held-h">{held_heading}</h2>
                <Show when=move || held_empty>
                    <p class="empty">{held_none.clone()}</p>
                </Show>
                <div class="cards">
                    {held.into_iter().map(|a| view! { <ActivityRow activity=a/> }).collect_view()}
                </div>
            </section>
            <section aria-labelledby="upcoming-h" hidden=!current>
                <h2 id="upcoming-h">"即将开展"</h2>
                <Show when=move || upcoming_empty>
                    <p class="empty">"今年没有更多已安排的活动。"</p>
                </Show>
                <div class="cards">
                    {upcoming.into_iter().map(|a| view! { <ActivityRow activity=a/> }).collect_view()}
                </div>
            </section>
        </main>
    }
}

#[component]
fn ActivityRow(activity: ActivityFigure) -> impl IntoView {
    let ActivityFigure {
        id,
        kind,
        topic,
        starts_at,
        place,
        started,
        held,
        group: _,
        has_minutes,
        ends_at: _,
        counts,
        figure,
        present,
        excused,
        absent,
        conflicts: _,
    } = activity;
    let (class, text) = verdict(
        figure.status,
        crate::domain::participation::SEED_PARTICIPATION_BAR,
    );
    let list = |names: Vec<String>| {
        if names.is_empty() {
            "无".to_owned()
        } else {
            names.join("、")
        }
    };
    let (present_text, excused_text, absent_text) = (list(present), list(excused), list(absent));
    let href = format!("/activity/{id}");
    view! {
        <article class="card activity" class:future=!started>
            <div class="activity-head">
                <span class="kind-tag">{kind.label()}</span>
                <time>{format_day_time(starts_at)}</time>
            </div>
            <h3><A href=href.clone()>{topic}</A></h3>
            <p class="meta">{place}</p>
            {if held {
                view! {
                    <p class="attendance">
                        <span>"应到 "<strong>{counts.expected}</strong></span>
                        <span>"实到 "<strong>{counts.present}</strong></span>
                        <span>"请假 "<strong>{counts.excused}</strong></span>
                        <span>"缺席 "<strong>{counts.absent}</strong></span>
                        <span>"参与率 "<strong>{figure.rate_text.clone()}</strong></span>
                    </p>
                    <p class=class>{text}</p>
                    <Show when=move || !has_minutes>
                        <p class="todo-note">"尚未填写会议记录"</p>
                    </Show>
                    <details class="roll">
                        <summary>"出席名单"</summary>
                        <p><span class="roll-label">"实到："</span>{present_text}</p>
                        <p><span class="roll-label">"请假："</span>{excused_text}</p>
                        <p><span class="roll-label">"缺席："</span>{absent_text}</p>
                    </details>
                }.into_any()
            } else if started {
                view! {
                    <p class="attendance"><span>{format!("应到 {} 人 · 还没有人签到或被点名", counts.expected)}</span></p>
                    <p class="todo-note">"点名后才计入参与率；若无人到场，请在活动记录页点“点名完毕”"</p>
                }.into_any()
            } else {
                view! { <p class="attendance"><span>{format!("应到 {} 人 · 尚未开始", counts.expected)}</span></p> }.into_any()
            }}
        </article>
    }
}
