//! `/branch`: the branches a secretary or an admin looks after, one card each.

use super::figures::{RuleNote, verdict};
use super::overview::BranchDetail;
use super::todos::Todos;
use super::year::{YearClosing, YearPicker, asked_year};
use crate::branch::{BranchSummary, load_my_branches};
use crate::domain::participation::Percent;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/branch`: a secretary sees their branch; an admin sees every branch of the school.
#[component]
pub fn BranchesPage() -> impl IntoView {
    let year = asked_year();
    let data = Resource::new(year, load_my_branches);
    provide_reload(move || data.refetch());
    view! {
        <Title text="支部 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(mine) if mine.branches.len() == 1 && !mine.viewer.role.is_bureau() => {
                        let id = mine.branches[0].id.clone();
                        view! { <BranchDetail id=id year=year()/> }.into_any()
                    }
                    Ok(mine) => {
                        let bar = mine.bar;
                        let empty = mine.branches.is_empty();
                        let bureau = mine.viewer.role.is_bureau();
                        view! {
                            <TopBar user=mine.viewer/>
                            <main class="page">
                                <h1>{format!("各支部{}年党员参与率", mine.year)}</h1>
                                <YearPicker base="/branch".to_owned() year=mine.year years=mine.years.clone()/>
                                <YearClosing state=mine.closing.clone()/>
                                {(!mine.todos.is_empty()).then(|| view! { <Todos todos=mine.todos.clone()/> })}
                                <Show when=move || empty && !bureau>
                                    <p class="empty">"您名下还没有支部。" <a href="/school">"去组织设置新增支部"</a></p>
                                </Show>
                                <Show when=move || empty && bureau>
                                    <p class="empty">"局里还没有学校设置好支部。" <a href="/bureau">"去添加学校"</a></p>
                                </Show>
                                {by_school(mine.branches).into_iter().map(|(school, branches)| view! {
                                    {school.map(|s| view! { <h2>{s}</h2> })}
                                    <div class="cards">
                                        {branches.into_iter().map(|b| view! {
                                            <BranchCard summary=b bar=bar/>
                                        }).collect_view()}
                                    </div>
                                }).collect_view()}
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

/// The branches in runs of one school (a bureau's list names each school; others have one run
/// without a name).
fn by_school(branches: Vec<BranchSummary>) -> Vec<(Option<String>, Vec<BranchSummary>)> {
    let mut runs: Vec<(Option<String>, Vec<BranchSummary>)> = Vec::new();
    for b in branches {
        match runs.last_mut() {
            Some((school, list)) if *school == b.school => list.push(b),
            _ => runs.push((b.school.clone(), vec![b])),
        }
    }
    runs
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
