//! The activity record page (活动记录, prints on A4): what was held, who came, and the
//! organiser's actions on it.

use super::minutes::{Minutes, Photos};
use super::param;
use super::roll::{ChangeLog, HeldCheckins, MarkLog, RollEditor, RollState};
use crate::activity::{ActivityRecord, CancelActivity, RollEntry, load_activity_record};
use crate::domain::attendance::AttendanceState;
use crate::domain::time::{format_full, format_time};
use crate::ui::{ErrorPanel, Loading, TopBar, provide_reload, reload_after};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

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
    // Entered after it started (补录): the record says when, so nobody mistakes it for live.
    let back_dated = (record.entered_at > record.starts_at).then(|| {
        view! {
            <span class="back-dated" data-testid="back-dated">
                {format!("（{} 补录）", format_full(record.entered_at))}
            </span>
        }
    });
    let cancel_reason = record.cancel_reason.clone();
    let (qr_href, edit_href) = (format!("/activity/{id}/qr"), format!("/activity/{id}/edit"));
    let for_roll = record.clone();
    let for_edit = record.clone();
    let crumb_name = record.branch_name.clone();
    // The bureau reads the record; only its organisers change it.
    let runs = record.viewer.role.runs_branches();
    view! {
        <Title text=title/>
        <div class="no-print"><TopBar user=record.viewer.clone()/></div>
        <main class="page record">
            <p class="crumbs no-print">
                <A href=branch_href>{crumb_name}</A>" › 活动记录"
            </p>
            <h1>{record.topic.clone()}</h1>
            {record.closed_year.map(|y| view! {
                <p class="alert alert-warn" data-testid="year-closed">{format!("{y}年度已由总支封存：本记录不能再更改。")}</p>
            })}
            <Show when=move || cancelled>
                <p class="alert alert-warn">"本次活动已取消：" {cancel_reason.clone()}</p>
            </Show>
            <div class="actions no-print">
                <Show when=move || runs && !cancelled>
                    <A href=qr_href.clone() attr:class="btn btn-primary">"出示签到码"</A>
                    <A href=edit_href.clone() attr:class="btn">"编辑"</A>
                </Show>
                <button type="button" class="btn" on:click=|_| crate::ui::print_page()>"打印"</button>
            </div>
            <table class="record-table">
                <tbody>
                    <tr><th>"支部"</th><td>{record.branch_name.clone()}</td></tr>
                    <tr><th>"活动类型"</th><td>{record.kind.label()}</td></tr>
                    <tr><th>"时间"</th><td>{time}{back_dated}</td></tr>
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
                <RollState record=for_roll.clone()/>
            </Show>
            <Show when=move || runs && held && !cancelled>
                <HeldCheckins activity_id=for_edit.id.clone() roll=for_edit.roll.clone()/>
                <RollEditor record=for_edit.clone()/>
            </Show>
            <Minutes record=record.clone()/>
            <Photos record=record.clone()/>
            <MarkLog marks=record.marks.clone()/>
            <ChangeLog changes=record.changes.clone()/>
            <Show when=move || runs && !cancelled>
                <CancelForm id=id.clone()/>
            </Show>
        </main>
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
