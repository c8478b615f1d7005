//! Attendance by hand, and the log of every mark made.

use crate::activity::{
    ActivityRecord, ChangeEntry, CloseRoll, MarkAttendance, MarkEntry, ReviewCheckins, RollEntry,
};
use crate::domain::attendance::Mark;
use crate::domain::time::format_full;
use crate::sync::protocol::CheckinReview;
use crate::ui::{ErrorPanel, reload_after};
use leptos::prelude::*;

/// Check-ins held because they arrived late without proof that the phone was offline
/// (`domain::replay`): the secretary confirms or refuses them all in one action.
#[component]
pub(super) fn HeldCheckins(activity_id: String, roll: Vec<RollEntry>) -> impl IntoView {
    let action = ServerAction::<ReviewCheckins>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let held: Vec<String> = roll
        .into_iter()
        .filter(|e| e.checkin_review == Some(CheckinReview::Pending))
        .map(|e| e.name)
        .collect();
    (!held.is_empty()).then(|| {
        let (confirm_id, refuse_id) = (activity_id.clone(), activity_id);
        view! {
            <section class="card held no-print" aria-labelledby="held-checkins-h">
                <h2 id="held-checkins-h">{format!("待确认的签到（{} 人）", held.len())}</h2>
                <p>{held.join("、")}</p>
                <p class="hint-left">"这些签到在活动结束后很久才上传，手机无法证明签到时处于离线状态（可能是会后用照片补签）。确认后计入出席；不予确认则不计入，可再手动标记。"</p>
                {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
                <div class="actions">
                    <ActionForm action=action attr:class="inline-form">
                        <input type="hidden" name="activity_id" value=confirm_id/>
                        <input type="hidden" name="confirm" value="true"/>
                        <button type="submit" class="btn btn-primary">"全部确认"</button>
                    </ActionForm>
                    <ActionForm action=action attr:class="inline-form">
                        <input type="hidden" name="activity_id" value=refuse_id/>
                        <input type="hidden" name="confirm" value="false"/>
                        <button type="submit" class="btn">"全部不予确认"</button>
                    </ActionForm>
                </div>
            </section>
        }
    })
}

/// The activity's trail: what changed after it started, by whom, when and why.
#[component]
pub(super) fn ChangeLog(changes: Vec<ChangeEntry>) -> impl IntoView {
    (!changes.is_empty()).then(|| {
        view! {
            <section id="changes" aria-labelledby="changes-h">
                <h2 id="changes-h">"变更记录"</h2>
                <ul class="mark-log">
                    {changes.into_iter().map(|c| view! {
                        <li>
                            {format!("{} {}：{}（“{}” → “{}”），原因：{}", format_full(c.at), c.by_name,
                                c.what, c.before, c.after, c.reason)}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// Whether the roll is taken: an activity counts in the figures only once someone checked in or
/// was marked, or the organiser closed the roll here (for a meeting nobody checked in to).
#[component]
pub(super) fn RollState(record: ActivityRecord) -> impl IntoView {
    let action = ServerAction::<CloseRoll>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    match (record.roll_closed_at, record.roll_taken) {
        (Some(at), _) => view! {
            <p class="hint-left" data-testid="roll-state">{format!("点名已于 {} 完毕。", format_full(at))}</p>
        }
        .into_any(),
        (None, true) => ().into_any(),
        (None, false) => view! {
            <section class="card held no-print" aria-labelledby="roll-open-h" data-testid="roll-state">
                <h2 id="roll-open-h">"尚未点名"</h2>
                <p class="hint-left">"还没有人签到或被手动标记，本次活动暂不计入参与率和“三会一课”次数。党员签到或手动标记后即计入；若确实无人到场，请点“点名完毕”，应到人员将记为缺席。"</p>
                {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
                <ActionForm action=action attr:class="inline-form">
                    <input type="hidden" name="activity_id" value=record.id.clone()/>
                    <button type="submit" class="btn">"点名完毕"</button>
                </ActionForm>
            </section>
        }
        .into_any(),
    }
}

/// Attendance by hand: one small form per member, so it works without JavaScript too.
#[component]
pub(super) fn RollEditor(record: ActivityRecord) -> impl IntoView {
    let action = ServerAction::<MarkAttendance>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let activity_id = record.id.clone();
    let rows = record
        .roll
        .into_iter()
        .map(|e| {
            let activity_id = activity_id.clone();
            let how = match (&e.checkin_method, e.marked) {
                _ if e.conflict => "手动标记后又收到本人签到，请核实后重新标记".to_owned(),
                (_, true) => "手动标记".to_owned(),
                (Some(m), _) if m == "qr" => "扫码签到".to_owned(),
                (Some(m), _) if m == "code" => "输入签到码".to_owned(),
                (Some(_), _) => "手机签到".to_owned(),
                (None, _) => match (e.checkin_review, e.leave) {
                    (Some(CheckinReview::Pending), _) => "签到待确认".to_owned(),
                    (Some(CheckinReview::Refused), _) => "签到未被确认".to_owned(),
                    (None, Some(l)) => format!("请假{}", l.label()),
                    (None, None) => String::new(),
                },
            };
            let state_class = format!("state state-{}", e.state.as_str());
            view! {
                <tr>
                    <td>{e.name.clone()}</td>
                    <td>
                        <span class=state_class>{e.state.label()}</span>
                        <span class="how" class:conflict=e.conflict>{how}</span>
                    </td>
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
pub(super) fn MarkLog(marks: Vec<MarkEntry>) -> impl IntoView {
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
