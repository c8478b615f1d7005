//! `/branch`: the branches a secretary or an admin looks after, one card each.

use super::figures::{RuleNote, verdict};
use super::overview::BranchDetail;
use super::todos::Todos;
use super::year::{YearClosing, YearPicker, asked_year};
use crate::branch::{BranchSummary, MyBranches, SchoolLink, load_my_branches};
use crate::domain::participation::Percent;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/branch`: a secretary sees their branch; an admin sees every branch of the school; the
/// bureau picks a school (`?school=`) and sees its branches.
#[component]
pub fn BranchesPage() -> impl IntoView {
    let year = asked_year();
    let query = use_query_map();
    let school = move || query.read().get("school").filter(|s| !s.trim().is_empty());
    let data = Resource::new(
        move || (year(), school()),
        |(year, school)| load_my_branches(year, school),
    );
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
                    Ok(mine) => view! { <BranchList mine=mine/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The list itself: the bureau's school picker, then the branches' cards, by school.
#[component]
fn BranchList(mine: MyBranches) -> impl IntoView {
    let bar = mine.bar;
    let bureau = mine.viewer.role.is_bureau();
    let picked = mine
        .school
        .as_ref()
        .and_then(|id| mine.schools.iter().find(|s| s.id == *id))
        .map(|s| s.name.clone());
    let empty = mine.branches.is_empty();
    let base = match &mine.school {
        Some(id) => format!("/branch?school={id}"),
        None => "/branch".to_owned(),
    };
    let heading = match &picked {
        Some(name) => format!("{name} · 各支部{}年党员参与率", mine.year),
        None => format!("各支部{}年党员参与率", mine.year),
    };
    let no_schools = bureau && mine.schools.is_empty();
    let pick_first = bureau && mine.school.is_none() && !no_schools;
    view! {
        <TopBar user=mine.viewer.clone()/>
        <main class="page">
            <h1>{heading}</h1>
            <YearPicker base=base year=mine.year years=mine.years.clone()/>
            <YearClosing state=mine.closing.clone()/>
            {(!mine.todos.is_empty()).then(|| view! { <Todos todos=mine.todos.clone()/> })}
            {bureau.then(|| view! {
                <SchoolPicker schools=mine.schools.clone() picked=mine.school.clone() year=mine.year/>
            })}
            {(empty && !bureau).then(|| view! {
                <p class="empty">"您名下还没有支部。" <a href="/school">"去组织设置新增支部"</a></p>
            })}
            {no_schools.then(|| view! {
                <p class="empty">"局里还没有学校。" <a href="/bureau">"去添加学校"</a></p>
            })}
            {pick_first.then(|| view! {
                <p class="empty">"请先选择一所学校，查看它各支部的党员参与率。各校合计见" <a href="/bureau">"教育局首页"</a>"。"</p>
            })}
            {(empty && bureau && picked.is_some()).then(|| view! {
                <p class="empty">"这所学校还没有设置支部。"</p>
            })}
            {by_school(mine.branches).into_iter().map(|(school, branches)| view! {
                {school.filter(|_| !bureau).map(|s| view! { <h2>{s}</h2> })}
                <div class="cards">
                    {branches.into_iter().map(|b| view! {
                        <BranchCard summary=b bar=bar/>
                    }).collect_view()}
                </div>
            }).collect_view()}
            <RuleNote bar=bar/>
        </main>
    }
}

/// The bureau's schools, each a link to its branches of the year shown.
#[component]
fn SchoolPicker(schools: Vec<SchoolLink>, picked: Option<String>, year: i32) -> impl IntoView {
    let count = schools.len();
    let open = picked.is_none();
    (count > 0).then(|| {
        view! {
            <details class="school-picker" open=open>
                <summary>{if open { format!("选择学校（共 {count} 所）") } else { format!("换一所学校（共 {count} 所）") }}</summary>
                <nav aria-label="选择学校">
                    {schools
                        .into_iter()
                        .map(|s| {
                            let href = format!("/branch?school={}&year={year}", s.id);
                            let current = picked.as_deref() == Some(s.id.as_str());
                            view! {
                                <a href=href aria-current=current.then_some("page")>
                                    {s.name}<span class="meta">{format!(" · 支部 {} 个", s.branches)}</span>
                                </a>
                            }
                        })
                        .collect_view()}
                </nav>
            </details>
        }
    })
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
