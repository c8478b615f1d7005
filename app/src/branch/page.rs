//! The secretary's pages: the branches they run, and one branch's year of activities.

use super::PeriodFigure;
use super::{
    ActivityFigure, BranchOverview, BranchSummary, Figure, load_branch_overview, load_my_branches,
};
use crate::domain::attendance::LeaveStatus;
use crate::domain::cadence::{CheckState, RuleCheck};
use crate::domain::participation::{BarStatus, Percent};
use crate::domain::time::format_day_time;
use crate::domain::todo::{Todo, Urgency};
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
        months,
        quarters,
        cadence,
        todos,
    } = overview;
    let new_activity = format!("/branch/{}/activities/new", summary.id);
    let members = format!("/branch/{}/members", summary.id);
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
                <A href=members attr:class="btn">"党员名册"</A>
            </div>
            <Todos todos=todos/>
            <YearFigure summary=summary bar=bar/>
            <PeriodFigures months=months quarters=quarters/>
            <Cadence checks=cadence/>
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
        ends_at: _,
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

/// What the rules still ask of the branch, most urgent first, and what waits on this phone.
#[component]
fn Todos(todos: Vec<Todo>) -> impl IntoView {
    let outbox = crate::outbox::use_outbox();
    let empty = todos.is_empty();
    view! {
        <section class="card todos" aria-labelledby="todo-h">
            <h2 id="todo-h">"待办"</h2>
            <Show when=move || empty && outbox.pending() == 0>
                <p class="all-done">"✓ 目前没有待办事项"</p>
            </Show>
            <ul class="todo-list">
                {todos.into_iter().map(|t| {
                    let class = format!("todo todo-{}", match t.urgency {
                        Urgency::Missed => "missed",
                        Urgency::Due => "due",
                        Urgency::Open => "open",
                        Urgency::Scheduled => "scheduled",
                    });
                    view! {
                        <li class=class>
                            {match t.href {
                                Some(h) => view! { <A href=h>{t.text.clone()}</A> }.into_any(),
                                None => view! { <span>{t.text.clone()}</span> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
                <Show when=move || { outbox.pending() > 0 }>
                    <li class="todo todo-open">{move || format!("本机有 {} 条记录待同步", outbox.pending())}</li>
                </Show>
            </ul>
        </section>
    }
}

#[component]
fn PeriodFigures(months: Vec<PeriodFigure>, quarters: Vec<PeriodFigure>) -> impl IntoView {
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
fn Cadence(checks: Vec<RuleCheck>) -> impl IntoView {
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
