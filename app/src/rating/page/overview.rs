//! `/rating`: the 总支's dashboard of the rating — every branch side by side (stars, level,
//! target, participation, satisfaction with intervals) and what awaits its approval. Server
//! rendered: it reads and prints without JavaScript, on a phone too.

use super::{level_class, outlook_class, state_class};
use crate::branch::{YearPicker, asked_year};
use crate::rating::{OverviewRow, RatingOverview, load_overview};
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RatingOverviewPage() -> impl IntoView {
    let year = asked_year();
    let data = Resource::new(year, load_overview);
    view! {
        <Title text="争创评定 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <Overview o=o/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(o: RatingOverview) -> impl IntoView {
    let empty = o.rows.is_empty();
    let waiting: Vec<(String, String, Vec<String>)> = o
        .rows
        .iter()
        .filter(|r| !r.awaiting_approval.is_empty())
        .map(|r| {
            (
                r.branch_id.clone(),
                r.name.clone(),
                r.awaiting_approval.clone(),
            )
        })
        .collect();
    let year = o.year;
    let more = o.more;
    // The 总支's own rating: its admin enters the evidence there.
    let own = (o.viewer.role == crate::domain::role::Role::Admin)
        .then(|| format!("/branch/{}/rating?year={year}", o.viewer.org_id));
    view! {
        <TopBar user=o.viewer/>
        <main class="page">
            <h1>{format!("{year}年度 创五星、争红旗")}</h1>
            <YearPicker base="/rating".to_owned() year=year years=o.years/>
            <p class="actions">
                <a class="btn btn-small" href=format!("/rating/archive.xlsx?year={year}") download>"下载本年度评定（Excel）"</a>
                <span class="hint-left">"各支部的评定页可直接打印为 A4。"</span>
            </p>
            {own.map(|href| view! {
                <p><a href=href>"总支自身评定（提交佐证，由教育局审核）→"</a></p>
            })}
            <Show when=move || empty>
                <p class="empty">"还没有可查看的支部。"</p>
            </Show>
            {(more > 0).then(|| view! {
                <p class="alert alert-info">{format!("另有 {more} 个支部未在此列出：请从各支部页面查看其评定。")}</p>
            })}
            {(!waiting.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="waiting-h">
                    <h2 id="waiting-h">"待总支审核的佐证"</h2>
                    <ul>{waiting.into_iter().map(|(id, name, items)| {
                        let href = format!("/branch/{id}/rating?year={year}#evidence-h");
                        view! { <li><a href=href>{name}</a>{format!("：{}", items.join("、"))}</li> }
                    }).collect_view()}</ul>
                </section>
            })}
            <div class="cards">
                {o.rows.into_iter().map(|r| view! { <Row r=r year=year/> }).collect_view()}
            </div>
        </main>
    }
}

#[component]
fn Row(r: OverviewRow, year: i32) -> impl IntoView {
    let href = format!("/branch/{}/rating?year={year}", r.branch_id);
    let stars: String = (0..r.max_stars)
        .map(|i| if i < r.stars { '★' } else { '☆' })
        .collect();
    let label = format!("{} 星", r.stars);
    let heading = format!("ov-{}-h", r.branch_id);
    let labelled_by = heading.clone();
    let name = match &r.school {
        Some(s) => format!("{s} · {}", r.name),
        None => r.name.clone(),
    };
    view! {
        <section class="card org-card" aria-labelledby=labelled_by>
            <h2 id=heading><a href=href>{name}</a></h2>
            <p>
                <span class="stars" role="img" aria-label=label>{stars}</span>" "
                <span class=level_class(r.level)>{r.level.label()}</span>
                <span class="tags">{format!(" · 今年最高可达：{}", r.reachable.label())}</span>
            </p>
            {r.target.map(|t| view! {
                <p>{format!("目标：{} 前达到{} ", t.deadline, t.level.label())}
                    <span class=outlook_class(t.outlook)>{t.outlook.label()}</span></p>
            })}
            <p><span class=state_class(r.participation.0)>{r.participation.0.label()}</span>" "{r.participation.1}</p>
            <p>
                <a href=format!("/branch/{}/plan?year={year}", r.branch_id)>"年度争创方案"</a>"："
                {match r.plan {
                    None => "尚未制定".to_owned(),
                    Some((state, p)) => format!(
                        "{}，整改任务 {} 项：已完成 {}，30 天内到期 {}，已逾期 {}",
                        state.label(), p.total, p.done, p.due_soon, p.overdue
                    ),
                }}
            </p>
            <p>
                <a href=format!("/branch/{}/letter?year={year}", r.branch_id)>"承诺书"</a>"："
                {r.letter.map_or("尚未起草", |l| l.label())}
            </p>
            <ul class="criteria">
                {r.satisfaction.into_iter().map(|(name, state, figure, detail)| view! {
                    <li>
                        <span class=state_class(state)>{state.label()}</span>" "{name}
                        <p class="meta">{figure}</p>
                        {(!detail.is_empty()).then(|| view! { <p class="hint-left">{detail}</p> })}
                    </li>
                }).collect_view()}
            </ul>
            <super::charts::RowCharts charts=r.charts/>
        </section>
    }
}
