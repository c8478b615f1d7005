//! The plan's words as one plain form: problems, target level, tasks (the ones written and one
//! blank row), 党员发展计划; saved as a draft or submitted.

use crate::domain::plan::{MAX_TASKS, PlanContent, Task};
use crate::domain::rating::Level;
use crate::plan::SavePlan;
use crate::ui::{ErrorPanel, reload_after};
use leptos::prelude::*;

#[component]
pub(super) fn PlanEditor(
    org_id: String,
    year: i32,
    content: PlanContent,
    approver: &'static str,
) -> impl IntoView {
    let action = ServerAction::<SavePlan>::new();
    reload_after(move || action.value().get().is_some_and(|r| r.is_ok()));
    let error = crate::ui::refusal(action);
    let levels = Level::ALL
        .iter()
        .map(|l| {
            let selected = content.target_level == l.as_str();
            view! { <option value=l.as_str() selected=selected>{l.label()}</option> }
        })
        .collect_view();
    let blank = usize::from(content.tasks.len() < MAX_TASKS);
    let rows = content
        .tasks
        .iter()
        .map(Some)
        .chain(std::iter::repeat_n(None, blank))
        .enumerate()
        .map(|(i, t)| view! { <TaskRow index=i task=t.cloned()/> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="plan-edit-h">
            <h2 id="plan-edit-h">"编写方案"</h2>
            {move || error().map(|e| view! { <ErrorPanel error=e/> })}
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="year" value=year.to_string()/>
                <label class="field"><span>"查找的问题（突出问题和薄弱环节）"</span><textarea name="form[problems]" maxlength="2000" rows="4">{content.problems.clone()}</textarea></label>
                <label class="field"><span>"目标等次"</span><select name="form[target_level]">{levels}</select></label>
                <p class="hint-left">"整改任务：名称留空的行不保存；最后一行可添加新任务。"</p>
                {rows}
                <h3>"党员发展计划"</h3>
                <div class="field-row">
                    <label class="field"><span>"计划发展党员（名）"</span><input type="number" inputmode="numeric" min="0" max="50" name="form[recruits]" value=content.recruits.to_string()/></label>
                    <label class="field"><span>"其中 35 岁以下（名）"</span><input type="number" inputmode="numeric" min="0" max="50" name="form[recruits_under_35]" value=content.recruits_under_35.to_string()/></label>
                </div>
                <label class="field"><span>"发展对象（可不填）"</span><input name="form[recruit_names]" maxlength="500" value=content.recruit_names.clone()/></label>
                <label class="check"><input type="checkbox" name="submit" value="true"/>{format!("同时提交{approver}审批")}</label>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "正在保存…" } else { "保存方案" }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn TaskRow(index: usize, task: Option<Task>) -> impl IntoView {
    let name = |field: &str| format!("form[tasks][{index}][{field}]");
    let legend = format!("整改任务 {}", index + 1);
    let t = task.unwrap_or(Task {
        id: String::new(),
        title: String::new(),
        measures: String::new(),
        owner: String::new(),
        deadline: chrono::NaiveDate::default(),
    });
    let deadline = (!t.title.is_empty()).then(|| t.deadline.to_string());
    view! {
        <fieldset class="phase-row">
            <legend>{legend}</legend>
            <input type="hidden" name=name("id") value=t.id.clone()/>
            <label class="field"><span>"任务名称"</span><input name=name("title") maxlength="40" value=t.title.clone()/></label>
            <label class="field"><span>"整改措施"</span><textarea name=name("measures") maxlength="1000" rows="3">{t.measures.clone()}</textarea></label>
            <div class="field-row">
                <label class="field"><span>"责任人"</span><input name=name("owner") maxlength="30" value=t.owner.clone()/></label>
                <label class="field"><span>"完成期限"</span><input type="date" name=name("deadline") value=deadline/></label>
            </div>
        </fieldset>
    }
}
