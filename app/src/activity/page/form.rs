//! The schedule / edit form of an activity.

use super::param;
use crate::activity::{FormContext, SaveActivity, load_activity_form};
use crate::domain::activity::ActivityKind;
use crate::error::FieldError;
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// `/branch/:id/activities/new`
#[component]
pub fn ActivityNewPage() -> impl IntoView {
    let branch = param("id");
    let data = Resource::new(branch, |b| load_activity_form(Some(b), None));
    view! {
        <Title text="安排活动 · 星旗"/>
        <FormLoader data=data activity_id=None/>
    }
}

/// `/activity/:id/edit`
#[component]
pub fn ActivityEditPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new(id, |id| load_activity_form(None, Some(id)));
    view! {
        <Title text="编辑活动 · 星旗"/>
        {move || view! { <FormLoader data=data activity_id=Some(id())/> }}
    }
}

#[component]
fn FormLoader(
    data: Resource<Result<FormContext, crate::error::AppError>>,
    activity_id: Option<String>,
) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {move || {
                let activity_id = activity_id.clone();
                Suspend::new(async move {
                match data.await {
                    Ok(ctx) => view! { <ActivityFormView ctx=ctx activity_id=activity_id/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}}
        </Suspense>
    }
}

#[component]
fn ActivityFormView(ctx: FormContext, activity_id: Option<String>) -> impl IntoView {
    let action = ServerAction::<SaveActivity>::new();
    let editing = activity_id.is_some();
    let activity_id = activity_id.unwrap_or_default();
    let errors = crate::ui::field_errors(action);
    let error_of = move |field: &'static str| {
        move || {
            errors()
                .into_iter()
                .find(|e: &FieldError| e.field == field)
                .map(|e| view! { <span class="field-error" role="alert">{e.message}</span> })
        }
    };
    let v = ctx.values.clone();
    let started = ctx.started;
    let heading = if editing {
        "编辑活动"
    } else {
        "安排活动"
    };
    view! {
        <TopBar user=ctx.viewer.clone()/>
        <main class="page">
            <p class="crumbs"><A href=format!("/branch/{}", ctx.branch_id)>{ctx.branch_name.clone()}</A>" › "{heading}</p>
            <h1>{heading}</h1>
            <Show when=move || started>
                <p class="alert alert-info">"活动已开始：时间和应到名单已成为记录，不能再改；修改活动类型须写明原因，并记入活动的变更记录。"</p>
            </Show>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            <ActionForm action=action attr:class="card form">
                <input type="hidden" name="branch_id" value=ctx.branch_id.clone()/>
                <input type="hidden" name="activity_id" value=activity_id/>
                <label class="field">
                    <span>"活动类型"</span>
                    <select name="form[kind]">
                        {ActivityKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=v.kind == k.as_str()>{k.label()}</option>
                        }).collect_view()}
                    </select>
                    {error_of("kind")}
                </label>
                <label class="field">
                    <span>"主题"</span>
                    <input name="form[topic]" value=v.topic.clone() maxlength="100" required/>
                    {error_of("topic")}
                </label>
                <div class="field-row">
                    <label class="field">
                        <span>"开始时间"</span>
                        <input type="datetime-local" name="form[starts_at]" value=v.starts_at.clone() required/>
                        {error_of("starts_at")}
                    </label>
                    <label class="field">
                        <span>"结束时间"</span>
                        <input type="datetime-local" name="form[ends_at]" value=v.ends_at.clone() required/>
                        {error_of("ends_at")}
                    </label>
                </div>
                <label class="field">
                    <span>"地点"</span>
                    <input name="form[place]" value=v.place.clone() maxlength="50"/>
                    {error_of("place")}
                </label>
                <div class="field-row">
                    <label class="field">
                        <span>"主持人"</span>
                        <input name="form[chair]" value=v.chair.clone() maxlength="50"/>
                        {error_of("chair")}
                    </label>
                    <label class="field">
                        <span>"记录人"</span>
                        <input name="form[recorder]" value=v.recorder.clone() maxlength="50"/>
                        {error_of("recorder")}
                    </label>
                </div>
                <label class="field">
                    <span>"参加对象（应到名单随党员名册更新，活动开始后固定）"</span>
                    <select name="form[audience]">
                        <option value="branch" selected=v.audience == "branch">"全体党员"</option>
                        <option value="committee" selected=v.audience == "committee">"支部委员会委员"</option>
                        {ctx.groups.iter().map(|(id, name)| {
                            let value = format!("group:{id}");
                            let selected = v.audience == value;
                            view! { <option value=value selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                    {error_of("audience")}
                </label>
                {started.then(|| view! {
                    <label class="field">
                        <span>"修改原因（修改活动类型时必填）"</span>
                        <input name="form[change_reason]" maxlength="200"/>
                        {error_of("change_reason")}
                    </label>
                })}
                <button type="submit" class="btn btn-primary btn-block">"保存"</button>
            </ActionForm>
        </main>
    }
}
