//! The tasks with their status and dated progress notes; the organisers change the status and
//! add notes (with links to their activity records) without a new approval.

use crate::domain::plan::TaskStatus;
use crate::plan::{AddTaskNote, SetTaskStatus, TaskView};
use crate::ui::{ErrorPanel, refusal, reload_after};
use leptos::prelude::*;

#[component]
pub(super) fn TasksSection(
    org_id: String,
    year: i32,
    tasks: Vec<TaskView>,
    may_edit: bool,
) -> impl IntoView {
    let status = ServerAction::<SetTaskStatus>::new();
    let note = ServerAction::<AddTaskNote>::new();
    reload_after(move || {
        [
            status.value().get().map(|r| r.is_ok()),
            note.value().get().map(|r| r.is_ok()),
        ]
        .contains(&Some(true))
    });
    let (status_refused, note_refused) = (refusal(status), refusal(note));
    let error = move || status_refused().or_else(note_refused);
    let empty = tasks.is_empty();
    view! {
        <section class="card" aria-labelledby="plan-tasks-h">
            <h2 id="plan-tasks-h">"整改落实"</h2>
            {move || error().map(|e| view! { <ErrorPanel error=e/> })}
            {empty.then(|| view! { <p class="empty">"方案保存后，在这里记录各项任务的进展。"</p> })}
            {tasks.into_iter().map(|t| view! {
                <TaskCard org_id=org_id.clone() year=year task=t may_edit=may_edit status=status note=note/>
            }).collect_view()}
        </section>
    }
}

#[component]
fn TaskCard(
    org_id: String,
    year: i32,
    task: TaskView,
    may_edit: bool,
    status: ServerAction<SetTaskStatus>,
    note: ServerAction<AddTaskNote>,
) -> impl IntoView {
    let TaskView {
        task,
        status: current,
        overdue,
        notes,
        files,
    } = task;
    let upload = may_edit.then(|| {
        let action = format!("/branch/{org_id}/plan/{year}/tasks/{}/files", task.id);
        view! {
            <form method="post" action=action enctype="multipart/form-data" class="form form-inline">
                <label class="field"><span>"添加照片或文件（JPEG、PNG、PDF、Word、Excel，10 MB 以内）"</span>
                    <input type="file" name="file" accept="image/jpeg,image/png,application/pdf,.docx,.xlsx" required/>
                </label>
                <button type="submit" class="btn btn-small">"上传"</button>
            </form>
        }
    });
    let files = (!files.is_empty()).then(|| view! {
        <ul class="evidence-files" aria-label="照片和文件">
            {files.into_iter().map(|(id, name)| view! { <li><a href=format!("/plan-files/{id}")>{name}</a></li> }).collect_view()}
        </ul>
    });
    let anchor = format!("task-{}", task.id);
    let heading = format!("{anchor}-h");
    let labelled_by = heading.clone();
    let state = if overdue {
        format!("{} · 已逾期（期限 {}）", current.label(), task.deadline)
    } else {
        format!("{} · 期限 {}", current.label(), task.deadline)
    };
    let options = TaskStatus::ALL
        .iter()
        .map(|s| view! { <option value=s.key() selected=*s == current>{s.label()}</option> })
        .collect_view();
    let forms = may_edit.then(|| {
        let (org2, id2) = (org_id.clone(), task.id.clone());
        view! {
            <ActionForm action=status attr:class="form form-inline">
                <input type="hidden" name="org_id" value=org_id.clone()/>
                <input type="hidden" name="year" value=year.to_string()/>
                <input type="hidden" name="task_id" value=task.id.clone()/>
                <label class="field"><span>"状态"</span><select name="status">{options}</select></label>
                <button type="submit" class="btn btn-small">"更新状态"</button>
            </ActionForm>
            <details>
                <summary>"记录进展"</summary>
                <ActionForm action=note attr:class="form">
                    <input type="hidden" name="org_id" value=org2/>
                    <input type="hidden" name="year" value=year.to_string()/>
                    <input type="hidden" name="task_id" value=id2/>
                    <label class="field"><span>"日期"</span><input type="date" name="on_day" required/></label>
                    <label class="field"><span>"进展说明"</span><textarea name="note" maxlength="1000" rows="3" required></textarea></label>
                    <label class="field"><span>"关联活动记录编号（可不填，多个用空格分隔）"</span><input name="links" autocapitalize="off" spellcheck="false"/></label>
                    <button type="submit" class="btn btn-primary">"保存进展"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <article class="task" id=anchor aria-labelledby=labelled_by>
            <h3 id=heading>{task.title.clone()}</h3>
            <p class=if overdue { "state state-not-met" } else { "hint-left" }>{state}</p>
            <p class="hint-left">{format!("责任人：{}", task.owner)}</p>
            {(!notes.is_empty()).then(|| view! {
                <ul class="notes">
                    {notes.into_iter().map(|n| view! {
                        <li>
                            {format!("{} · {}：{}", n.on_day, n.by, n.note)}
                            {n.links.into_iter().map(|(id, label)| view! { " " <a href=format!("/activity/{id}")>{label}</a> }).collect_view()}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {files}
            {forms}
            {upload}
        </article>
    }
}
