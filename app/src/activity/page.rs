//! The activity record page (活动记录, prints on A4) and the schedule / edit form.

use super::{
    ActivityRecord, CancelActivity, FormContext, MarkAttendance, MarkEntry, RollEntry,
    SaveActivity, SaveMinutes, load_activity_form, load_activity_record,
};
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::{AttendanceState, Mark};
use crate::domain::time::{format_full, format_time};
use crate::error::FieldError;
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

/// `/activity/:id`
#[component]
pub fn ActivityRecordPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new(id, load_activity_record);
    provide_reload(move || data.refetch());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <RecordView record=r/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn names(roll: &[RollEntry], state: AttendanceState) -> String {
    let list: Vec<String> = roll
        .iter()
        .filter(|e| e.state == state)
        .map(|e| match (&e.leave_reason, state) {
            (Some(reason), AttendanceState::Excused) => format!("{}（{reason}）", e.name),
            _ => e.name.clone(),
        })
        .collect();
    if list.is_empty() {
        "无".to_owned()
    } else {
        list.join("、")
    }
}

#[component]
fn RecordView(record: ActivityRecord) -> impl IntoView {
    let title = format!("{} · 活动记录 · 星旗", record.topic);
    let id = record.id.clone();
    let counts = record.counts;
    let held = record.held;
    let cancelled = record.cancelled;
    let branch_href = format!("/branch/{}", record.branch_id);
    let time = format!(
        "{} – {}",
        format_full(record.starts_at),
        format_time(record.ends_at)
    );
    let present = names(&record.roll, AttendanceState::Present);
    let excused = names(&record.roll, AttendanceState::Excused);
    let absent = names(&record.roll, AttendanceState::Absent);
    let rate = record.figure.rate_text.clone();
    let cancel_reason = record.cancel_reason.clone();
    let (qr_href, edit_href) = (format!("/activity/{id}/qr"), format!("/activity/{id}/edit"));
    let for_roll = record.clone();
    let crumb_name = record.branch_name.clone();
    view! {
        <Title text=title/>
        <div class="no-print"><TopBar user=record.viewer.clone()/></div>
        <main class="page record">
            <p class="crumbs no-print">
                <A href=branch_href>{crumb_name}</A>" › 活动记录"
            </p>
            <h1>{record.topic.clone()}</h1>
            <Show when=move || cancelled>
                <p class="alert alert-warn">"本次活动已取消：" {cancel_reason.clone()}</p>
            </Show>
            <div class="actions no-print">
                <Show when=move || !cancelled>
                    <A href=qr_href.clone() attr:class="btn btn-primary">"出示签到码"</A>
                    <A href=edit_href.clone() attr:class="btn">"编辑"</A>
                </Show>
                <button type="button" class="btn" onclick="window.print()">"打印"</button>
            </div>
            <table class="record-table">
                <tbody>
                    <tr><th>"支部"</th><td>{record.branch_name.clone()}</td></tr>
                    <tr><th>"活动类型"</th><td>{record.kind.label()}</td></tr>
                    <tr><th>"时间"</th><td>{time}</td></tr>
                    <tr><th>"地点"</th><td>{record.place.clone()}</td></tr>
                    <tr><th>"主持人"</th><td>{record.chair.clone()}</td></tr>
                    <tr><th>"记录人"</th><td>{record.recorder.clone()}</td></tr>
                    <tr><th>"参加对象"</th><td>{record.audience_label.clone()}</td></tr>
                    <tr><th>"应到"</th><td>{counts.expected}" 人"</td></tr>
                    <Show when=move || held>
                        <tr><th>"实到"</th><td>{counts.present}" 人：" {present.clone()}</td></tr>
                        <tr><th>"请假"</th><td>{counts.excused}" 人：" {excused.clone()}</td></tr>
                        <tr><th>"缺席"</th><td>{counts.absent}" 人：" {absent.clone()}</td></tr>
                        <tr><th>"参与率"</th><td data-testid="activity-rate">{rate.clone()}" （实到 ÷ 应到；请假不算出席）"</td></tr>
                    </Show>
                </tbody>
            </table>
            <Show when=move || held && !cancelled>
                <RollEditor record=for_roll.clone()/>
            </Show>
            <Minutes record=record.clone()/>
            <Photos record=record.clone()/>
            <MarkLog marks=record.marks.clone()/>
            <Show when=move || !cancelled>
                <CancelForm id=id.clone()/>
            </Show>
        </main>
    }
}

/// Attendance by hand: one small form per member, so it works without JavaScript too.
#[component]
fn RollEditor(record: ActivityRecord) -> impl IntoView {
    let action = ServerAction::<MarkAttendance>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let activity_id = record.id.clone();
    let rows = record
        .roll
        .into_iter()
        .map(|e| {
            let activity_id = activity_id.clone();
            let how = match (&e.checkin_method, e.marked) {
                (_, true) => "手动标记".to_owned(),
                (Some(m), _) if m == "qr" => "扫码签到".to_owned(),
                (Some(m), _) if m == "code" => "输入签到码".to_owned(),
                (Some(_), _) => "手机签到".to_owned(),
                (None, _) => match e.leave {
                    Some(l) => format!("请假{}", l.label()),
                    None => String::new(),
                },
            };
            let state_class = format!("state state-{}", e.state.as_str());
            view! {
                <tr>
                    <td>{e.name.clone()}</td>
                    <td><span class=state_class>{e.state.label()}</span><span class="how">{how}</span></td>
                    <td>
                        <ActionForm action=action attr:class="mark-form">
                            <input type="hidden" name="activity_id" value=activity_id/>
                            <input type="hidden" name="user_id" value=e.user_id.clone()/>
                            <input type="hidden" name="note" value=""/>
                            <select name="mark" aria-label=format!("{}的出席", e.name)>
                                {[Mark::Present, Mark::Excused, Mark::Absent, Mark::Auto].into_iter().map(|m| {
                                    view! { <option value=m.as_str()>{m.label()}</option> }
                                }).collect_view()}
                            </select>
                            <button type="submit" class="btn btn-small">"保存"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section id="roll" class="no-print" aria-labelledby="roll-h">
            <h2 id="roll-h">"出席情况"</h2>
            <p class="hint-left">"签到和批准的请假会自动计入；需要更正时在这里手动标记，每次更改都会留下记录。"</p>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            <table class="roll-table">
                <thead><tr><th>"党员"</th><th>"状态"</th><th>"更正"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn Minutes(record: ActivityRecord) -> impl IntoView {
    let action = ServerAction::<SaveMinutes>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let held = record.held;
    let has = !record.minutes.is_empty();
    let saved_at = record.minutes_at.map(format_full);
    let text = record.minutes.clone();
    let id = record.id.clone();
    let current = record.minutes.clone();
    view! {
        <section id="minutes" aria-labelledby="minutes-h">
            <h2 id="minutes-h">"会议记录"</h2>
            <Show when=move || has>
                <div class="minutes-text">{text.clone()}</div>
                <p class="hint-left">{saved_at.clone().map(|t| format!("最后保存于 {t}"))}</p>
            </Show>
            <Show when=move || !held>
                <p class="empty">"活动开始后可以填写会议记录。"</p>
            </Show>
            <Show when=move || held>
                {
                    let (id, current) = (id.clone(), current.clone());
                    move || {
                        let (id, current) = (id.clone(), current.clone());
                        view! {
                            <ActionForm action=action attr:class="form no-print">
                                <input type="hidden" name="id" value=id/>
                                <label class="field">
                                    <span>{if has { "修改记录" } else { "填写记录" }}</span>
                                    <textarea name="minutes" rows="8" maxlength="20000">{current}</textarea>
                                </label>
                                <button type="submit" class="btn btn-primary">"保存会议记录"</button>
                            </ActionForm>
                        }
                    }
                }
                {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            </Show>
        </section>
    }
}

#[component]
fn Photos(record: ActivityRecord) -> impl IntoView {
    let empty = record.photos.is_empty();
    let upload = format!("/activity/{}/photos", record.id);
    view! {
        <section id="photos" aria-labelledby="photos-h">
            <h2 id="photos-h">"活动照片"</h2>
            <Show when=move || empty>
                <p class="empty">"还没有照片。"</p>
            </Show>
            <div class="photos">
                {record.photos.into_iter().map(|p| view! {
                    <figure>
                        <img src=format!("/photos/{}", p.id) alt=if p.caption.is_empty() { "活动照片".to_owned() } else { p.caption.clone() } loading="lazy"/>
                        <figcaption>{p.caption.clone()}</figcaption>
                    </figure>
                }).collect_view()}
            </div>
            <form method="post" action=upload enctype="multipart/form-data" class="form no-print">
                <label class="field">
                    <span>"上传照片（JPEG、PNG 或 WebP，每张不超过 5 MB）"</span>
                    <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" required/>
                </label>
                <label class="field">
                    <span>"说明（可不填）"</span>
                    <input name="caption" maxlength="100"/>
                </label>
                <button type="submit" class="btn">"上传"</button>
            </form>
        </section>
    }
}

#[component]
fn MarkLog(marks: Vec<MarkEntry>) -> impl IntoView {
    let empty = marks.is_empty();
    view! {
        <section aria-labelledby="log-h">
            <h2 id="log-h">"出席更正记录"</h2>
            <Show when=move || empty>
                <p class="empty">"没有手动更正。"</p>
            </Show>
            <ul class="mark-log">
                {marks.into_iter().map(|m| view! {
                    <li>
                        {format!("{} {} 将{}由“{}”改为“{}”（{}）", format_full(m.at), m.by_name, m.member_name,
                            m.before.label(), m.after.label(), m.mark.label())}
                        {(!m.note.is_empty()).then(|| format!("：{}", m.note))}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn CancelForm(id: String) -> impl IntoView {
    let action = ServerAction::<CancelActivity>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    view! {
        <details class="danger no-print">
            <summary>"取消本次活动"</summary>
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="id" value=id/>
                <label class="field">
                    <span>"取消原因"</span>
                    <input name="reason" required maxlength="200"/>
                </label>
                <button type="submit" class="btn btn-danger">"确认取消活动"</button>
            </ActionForm>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
        </details>
    }
}

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
    let errors = move || {
        action
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    };
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
                <p class="alert alert-info">"活动已开始：时间和应到名单已成为记录，不能再改。"</p>
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
                    <span>"参加对象（应到，安排后固定）"</span>
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
                <button type="submit" class="btn btn-primary btn-block">"保存"</button>
            </ActionForm>
        </main>
    }
}
