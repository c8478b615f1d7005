//! `/audit`: the school's audit log, for its 总支.

use super::{AuditLog, load_audit};
use crate::domain::time::to_local_datetime;
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let data = Resource::new(page, load_audit);
    view! {
        <Title text="审计日志 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(log) => view! { <AuditView log=log page=page()/> }.into_any(),
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditView(log: AuditLog, page: u32) -> impl IntoView {
    let empty = log.entries.is_empty();
    let rows = log
        .entries
        .into_iter()
        .map(|e| {
            view! {
                <tr>
                    <td>{to_local_datetime(e.at)}</td>
                    <td>{e.actor}</td>
                    <td>{e.action.label()}</td>
                    <td>{e.target}</td>
                    <td>{e.detail}</td>
                    <td>{e.from}</td>
                </tr>
            }
        })
        .collect_view();
    let newer = (page > 0).then(|| format!("/audit?page={}", page - 1));
    let older = log.more.then(|| format!("/audit?page={}", page + 1));
    view! {
        <TopBar user=log.viewer.clone()/>
        <main class="page">
            <h1>"审计日志"</h1>
            <p class="hint-left">{format!(
                "记录本校各支部的管理操作：谁、何时、从哪里、做了什么。保留 {} 年，只有总支可以查看。",
                log.kept_years
            )}</p>
            {empty.then(|| view! { <p class="empty">"还没有管理操作的记录。"</p> })}
            <div class="table-scroll" hidden=empty>
                <table class="roster-table audit-table">
                    <caption class="sr-only">"管理操作记录"</caption>
                    <thead><tr>
                        <th scope="col">"时间"</th><th scope="col">"操作人"</th><th scope="col">"操作"</th>
                        <th scope="col">"对象"</th><th scope="col">"详情"</th><th scope="col">"来源地址"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="actions">
                {newer.map(|href| view! { <a class="btn" href=href>"‹ 较新"</a> })}
                {older.map(|href| view! { <a class="btn" href=href>"较早 ›"</a> })}
            </p>
        </main>
    }
}
