//! `/branch/{id}/plan?year=`: the annual plan — where it stands with the 总支, its words (a
//! form for the organisers, text for everyone else), the tasks with their status and progress,
//! and every step. Rendered on the server and posted by plain forms, so it works without
//! JavaScript; with it, the page reloads its data after each change.

mod edit;
mod tasks;

use super::{DecidePlan, PlanView, load_plan};
use crate::branch::asked_year;
use crate::domain::plan::{PlanContent, PlanState};
use crate::domain::rating::Level;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let year = asked_year();
    let data = Resource::new(move || (id(), year()), |(id, year)| load_plan(id, year));
    provide_reload(move || data.refetch());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <PlanBody view=v/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn level_label(key: &str) -> &'static str {
    Level::parse(key).map_or("未定", Level::label)
}

#[component]
fn PlanBody(view: PlanView) -> impl IntoView {
    let title = format!("{} · {}年度争创方案", view.org_name, view.year);
    let rating = format!("/branch/{}/rating?year={}", view.org_id, view.year);
    let state = view.record.as_ref().map(|r| r.state);
    let status = match &view.record {
        None => "尚未制定".to_owned(),
        Some(r) => format!("{} · 第 {} 版 · {}", r.state.label(), r.version, r.updated),
    };
    let returned = view
        .record
        .as_ref()
        .filter(|r| r.state == PlanState::Returned && !r.comment.is_empty())
        .map(|r| format!("总支意见：{}", r.comment));
    let changed_after_approval = view.approved.clone();
    let p = view.progress;
    let progress = (p.total > 0).then(|| {
        format!(
            "整改任务 {} 项：已完成 {}，30 天内到期 {}，已逾期 {}",
            p.total, p.done, p.due_soon, p.overdue
        )
    });
    // The outcome of a file upload (a plain form, back here with `?file=`).
    let query = leptos_router::hooks::use_query_map();
    let upload = query
        .read_untracked()
        .get("file")
        .map(|f| match f.as_str() {
            "saved" => ("alert alert-success", "已上传"),
            "too_big" => ("alert alert-error", "文件不能超过 10 MB"),
            "wrong_type" => (
                "alert alert-error",
                "只支持照片（JPEG、PNG）、PDF、Word 和 Excel 文件",
            ),
            _ => (
                "alert alert-error",
                "上传未成功：年度已封存，或该任务每项最多 20 个文件",
            ),
        });
    let editable = view.may_edit && state != Some(PlanState::Submitted);
    let deciding = view.may_decide && state == Some(PlanState::Submitted);
    let approver = if view.general { "上级" } else { "总支" };
    view! {
        <Title text=format!("{title} · 星旗")/>
        <TopBar user=view.viewer.clone()/>
        <main class="page plan-page">
            <p class="crumbs"><a href=rating>"← 本年度评定"</a>" · "<a href=format!("/branch/{}/letter?year={}", view.org_id, view.year)>"承诺书"</a></p>
            <h1>{title}</h1>
            {upload.map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
            <section class="card" aria-labelledby="plan-state-h">
                <h2 id="plan-state-h">"方案状态"</h2>
                <p>{status}</p>
                {progress.map(|t| view! { <p class="hint-left">{t}</p> })}
                {returned.map(|t| view! { <p class="alert alert-error">{t}</p> })}
                {(state == Some(PlanState::Submitted)).then(|| view! { <p class="hint-left">{format!("已提交，等待{approver}审批；审批或退回后才能修改。")}</p> })}
                {changed_after_approval.as_ref().map(|_| view! { <p class="todo-note">{format!("审批后已修改：修改稿需再次提交{approver}审批；已审批的版本见下方。")}</p> })}
            </section>
            {deciding.then(|| view! { <Decide org_id=view.org_id.clone() year=view.year approver=approver/> })}
            {if editable {
                view! { <edit::PlanEditor org_id=view.org_id.clone() year=view.year content=view.content.clone() approver=approver/> }.into_any()
            } else {
                view! { <Words content=view.content.clone() heading="方案内容"/> }.into_any()
            }}
            {changed_after_approval.map(|c| view! {
                <details class="card">
                    <summary>"已审批的版本"</summary>
                    <Words content=c heading="已审批的方案"/>
                </details>
            })}
            <tasks::TasksSection org_id=view.org_id.clone() year=view.year tasks=view.tasks.clone() may_edit=view.may_edit/>
            <details class="card">
                <summary>{format!("方案记录（{} 条）", view.trail.len())}</summary>
                <ul class="trail">
                    {view.trail.iter().map(|t| view! {
                        <li>{format!("{} · {} · {}（第 {} 版）", t.at, t.who, t.act, t.version)}{(!t.note.is_empty()).then(|| format!("：{}", t.note))}</li>
                    }).collect_view()}
                </ul>
            </details>
        </main>
    }
}

/// The plan's words as text.
#[component]
fn Words(content: PlanContent, heading: &'static str) -> impl IntoView {
    let recruits = format!(
        "计划发展党员 {} 名，其中 35 岁以下 {} 名{}",
        content.recruits,
        content.recruits_under_35,
        if content.recruit_names.is_empty() {
            String::new()
        } else {
            format!("：{}", content.recruit_names)
        }
    );
    view! {
        <section class="card plan-words" aria-label=heading>
            <h2>{heading}</h2>
            <h3>"查找的问题"</h3>
            <p class="prewrap">{if content.problems.is_empty() { "（尚未填写）".to_owned() } else { content.problems.clone() }}</p>
            <p>{format!("目标等次：{}", level_label(&content.target_level))}</p>
            <h3>"整改任务"</h3>
            <ol>
                {content.tasks.iter().map(|t| view! {
                    <li>
                        <strong>{t.title.clone()}</strong>
                        {format!("（责任人：{}，完成期限：{}）", t.owner, t.deadline)}
                        {(!t.measures.is_empty()).then(|| view! { <p class="prewrap">{t.measures.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            <h3>"党员发展计划"</h3>
            <p>{recruits}</p>
        </section>
    }
}

/// Approve, or return with a comment.
#[component]
fn Decide(org_id: String, year: i32, approver: &'static str) -> impl IntoView {
    let action = ServerAction::<DecidePlan>::new();
    reload_after(move || action.value().get().is_some_and(|r| r.is_ok()));
    let error = crate::ui::refusal(action);
    view! {
        <section class="card" aria-labelledby="plan-decide-h">
            <h2 id="plan-decide-h">{format!("{approver}审批")}</h2>
            {move || error().map(|e| view! { <ErrorPanel error=e/> })}
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="year" value=year.to_string()/>
                <label class="field"><span>"意见（退回时必填）"</span><textarea name="comment" maxlength="500" rows="2"></textarea></label>
                <div class="actions">
                    <button type="submit" name="approve" value="true" class="btn btn-primary">"审批通过"</button>
                    <button type="submit" name="approve" value="false" class="btn btn-danger">"退回修改"</button>
                </div>
            </ActionForm>
        </section>
    }
}
