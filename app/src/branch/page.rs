//! The secretary's pages: the branches they run, and one branch's year of activities.

use super::{
    ActivityFigure, BranchOverview, BranchSummary, Figure, load_branch_overview, load_my_branches,
};
use crate::domain::attendance::LeaveStatus;
use crate::domain::participation::{BarStatus, Percent};
use crate::domain::time::format_day_time;
use crate::leave::{DecideLeave, LeaveItem};
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// `/branch`: a secretary sees their branch; an admin sees every branch of the school.
#[component]
pub fn BranchesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_my_branches());
    view! {
        <Title text="支部 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(mine) if mine.branches.len() == 1 => {
                        let id = mine.branches[0].id.clone();
                        view! { <BranchDetail id=id/> }.into_any()
                    }
                    Ok(mine) => {
                        let bar = mine.bar;
                        let empty = mine.branches.is_empty();
                        view! {
                            <TopBar user=mine.viewer/>
                            <main class="page">
                                <h1>"各支部党员参与率"</h1>
                                <Show when=move || empty>
                                    <p class="empty">"您名下还没有支部。"</p>
                                </Show>
                                <div class="cards">
                                    {mine.branches.into_iter().map(|b| view! {
                                        <BranchCard summary=b bar=bar/>
                                    }).collect_view()}
                                </div>
                                <RuleNote bar=bar/>
                            </main>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/branch/:id`
#[component]
pub fn BranchPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    view! {
        {move || view! { <BranchDetail id=id()/> }}
    }
}

#[component]
fn BranchDetail(id: String) -> impl IntoView {
    let data = Resource::new(move || id.clone(), load_branch_overview);
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
        activities,
        leave_requests,
    } = overview;
    let new_activity = format!("/branch/{}/activities/new", summary.id);
    // Held ones latest first (the record); upcoming ones soonest first (what to prepare).
    let (held, mut upcoming): (Vec<_>, Vec<_>) = activities.into_iter().partition(|a| a.held);
    upcoming.reverse();
    let held_empty = held.is_empty();
    let upcoming_empty = upcoming.is_empty();
    let title = format!("{} · 星旗", summary.name);
    view! {
        <Title text=title/>
        <TopBar user=viewer/>
        <main class="page">
            <h1>{summary.name.clone()}</h1>
            <div class="actions">
                <A href=new_activity attr:class="btn btn-primary">"安排活动"</A>
            </div>
            <YearFigure summary=summary bar=bar/>
            <LeaveRequests items=leave_requests/>
            <section aria-labelledby="held-h">
                <h2 id="held-h">"今年已开展的活动"</h2>
                <Show when=move || held_empty>
                    <p class="empty">"今年还没有开展活动。"</p>
                </Show>
                <div class="cards">
                    {held.into_iter().map(|a| view! { <ActivityRow activity=a/> }).collect_view()}
                </div>
            </section>
            <section aria-labelledby="upcoming-h">
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

fn verdict(status: BarStatus, bar: Percent) -> (&'static str, String) {
    match status {
        BarStatus::Met => ("verdict met", format!("达到 ≥{}% 的要求", bar.0)),
        BarStatus::NotMet => ("verdict not-met", format!("未达到 ≥{}% 的要求", bar.0)),
        BarStatus::NoData => ("verdict no-data", "尚无已开展的活动".to_owned()),
    }
}

#[component]
fn YearFigure(summary: BranchSummary, bar: Percent) -> impl IntoView {
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
fn RuleNote(bar: Percent) -> impl IntoView {
    view! {
        <p class="rule-note">
            {format!("党员参与率 = 实到 ÷ 应到，要求 ≥{}%。", bar.0)}
            "请假不算出席：请假的党员计入应到，不计入实到。尚未开始的活动不计入。"
        </p>
    }
}

#[component]
fn BranchCard(summary: BranchSummary, bar: Percent) -> impl IntoView {
    let href = format!("/branch/{}", summary.id);
    let (class, text) = verdict(summary.year_figure.status, bar);
    let a = summary.year_figure.attendance;
    view! {
        <a class="card branch-card" href=href>
            <h3>{summary.name.clone()}</h3>
            <p class="figure-value">{summary.year_figure.rate_text.clone()}</p>
            <p class="figure-counts">{format!("实到 {} / 应到 {}", a.present, a.expected)}</p>
            <p class=class>{text}</p>
        </a>
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
        held,
        has_minutes,
        counts,
        figure,
        present,
        excused,
        absent,
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
        <article class="card activity" class:future=!held>
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
            } else {
                view! { <p class="attendance"><span>{format!("应到 {} 人 · 尚未开始", counts.expected)}</span></p> }.into_any()
            }}
        </article>
    }
}

/// Leave requests waiting for a decision first, then the decided ones.
#[component]
fn LeaveRequests(items: Vec<LeaveItem>) -> impl IntoView {
    let action = ServerAction::<DecideLeave>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let (waiting, decided): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|i| i.status == LeaveStatus::Pending);
    let none_waiting = waiting.is_empty();
    let row = move |i: LeaveItem| {
        let pending = i.status == LeaveStatus::Pending;
        let id = i.id.clone();
        let status_line = match (&i.decided_by, i.status) {
            (Some(by), s) if s != LeaveStatus::Pending => format!("{}（{by}）", s.label()),
            (_, s) => s.label().to_owned(),
        };
        view! {
            <li class="leave-item">
                <p><strong>{i.member_name.clone()}</strong>" · "{i.activity_topic.clone()}" · "{format_day_time(i.activity_starts_at)}</p>
                <p class="leave-reason">"事由："{i.reason.clone()}</p>
                <p class="leave-status">{status_line}</p>
                <Show when=move || pending>
                    {
                        let id = id.clone();
                        move || {
                            let (a, b) = (id.clone(), id.clone());
                            view! {
                                <div class="actions">
                                    <ActionForm action=action attr:class="inline-form">
                                        <input type="hidden" name="id" value=a/>
                                        <input type="hidden" name="approve" value="true"/>
                                        <input type="hidden" name="note" value=""/>
                                        <button type="submit" class="btn btn-primary btn-small">"批准"</button>
                                    </ActionForm>
                                    <ActionForm action=action attr:class="inline-form">
                                        <input type="hidden" name="id" value=b/>
                                        <input type="hidden" name="approve" value="false"/>
                                        <input type="hidden" name="note" value=""/>
                                        <button type="submit" class="btn btn-small">"不批准"</button>
                                    </ActionForm>
                                </div>
                            }
                        }
                    }
                </Show>
            </li>
        }
    };
    view! {
        <section aria-labelledby="leave-h">
            <h2 id="leave-h">"请假审批"</h2>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            <Show when=move || none_waiting>
                <p class="empty">"没有待审批的请假。"</p>
            </Show>
            <ul class="leave-list">{waiting.into_iter().map(row).collect_view()}</ul>
            <details class="roll">
                <summary>{format!("已处理的请假（{}）", decided.len())}</summary>
                <ul class="leave-list">{decided.into_iter().map(row).collect_view()}</ul>
            </details>
        </section>
    }
}
