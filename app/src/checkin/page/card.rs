//! One activity's card: its state for the member, the typed check-in code, the leave form.

use crate::checkin::MemberActivity;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::LeaveStatus;
use crate::domain::proof::{Proof, normalise_typed_code};
use crate::domain::time::{format_day_time, format_time};
use crate::outbox::{LocalStatus, Outbox, leave_text, use_outbox};
use crate::sync::protocol::{CheckinReview, MAX_REASON_CHARS};
use leptos::prelude::*;

#[component]
pub(super) fn ActivityCard(
    activity: MemberActivity,
    member_id: String,
    today: bool,
) -> impl IntoView {
    let outbox = use_outbox();
    let MemberActivity {
        id,
        kind,
        topic,
        starts_at,
        ends_at,
        place,
        checked_in,
        checkin_review,
        leave,
        record_note,
    } = activity;
    let status = {
        let id = id.clone();
        move || outbox.status_of(&id)
    };
    let leave_local = {
        let id = id.clone();
        move || outbox.leave_of(&id)
    };
    let checked = {
        let status = status.clone();
        move || {
            checked_in
                || checkin_review == Some(CheckinReview::Pending)
                || matches!(
                    status(),
                    Some(LocalStatus::Pending | LocalStatus::Synced | LocalStatus::Held)
                )
        }
    };
    let state = {
        let (id, member_id, topic) = (id.clone(), member_id.clone(), topic.clone());
        move || {
            match (status(), checked_in, checkin_review) {
            (Some(LocalStatus::Pending), _, _) => view! {
                <span class="badge badge-pending">"待同步"</span>
                <span class="state-note">"已保存在手机上，联网后自动上传"</span>
            }
            .into_any(),
            (Some(LocalStatus::Rejected(reason)), _, _) => view! {
                <span class="badge badge-rejected">"签到未被接受"</span>
                <span class="state-note">{reason}</span>
                <CodeEntry outbox=outbox activity_id=id.clone() member_id=member_id.clone() label=topic.clone()/>
            }
            .into_any(),
            (_, true, _) => view! {
                <span class="badge badge-synced">"已同步"</span>
                <span class="state-note">"签到已记录"</span>
            }
            .into_any(),
            (_, false, Some(CheckinReview::Refused)) => view! {
                <span class="badge badge-rejected">"签到未被确认"</span>
                <span class="state-note">"支部书记没有确认这次签到，如有疑问请联系支部书记"</span>
            }
            .into_any(),
            (Some(LocalStatus::Held), _, _) | (_, _, Some(CheckinReview::Pending)) => view! {
                <span class="badge badge-pending">"待确认"</span>
                <span class="state-note">"签到已上传，但上传时间比活动晚很久，支部书记确认后计入"</span>
            }
            .into_any(),
            (Some(LocalStatus::Synced), _, _) => view! {
                <span class="badge badge-synced">"已同步"</span>
                <span class="state-note">"签到已记录"</span>
            }
            .into_any(),
            (None, false, None) if today => view! {
                <CodeEntry outbox=outbox activity_id=id.clone() member_id=member_id.clone() label=topic.clone()/>
            }
            .into_any(),
            (None, false, None) => view! { <span class="badge">"未开始"</span> }.into_any(),
        }
        }
    };
    let leave_line = {
        let leave_local = leave_local.clone();
        move || leave_text(leave, leave_local().as_ref())
    };
    let can_ask_leave = {
        let checked = checked.clone();
        move || {
            !checked()
                && !matches!(leave, Some(LeaveStatus::Approved | LeaveStatus::Pending))
                && !matches!(
                    leave_local(),
                    Some(LocalStatus::Pending | LocalStatus::Synced)
                )
        }
    };
    let (leave_id, leave_member, leave_label) = (id.clone(), member_id.clone(), topic.clone());
    view! {
        <article class="card activity">
            <div class="activity-head">
                <span class="kind-tag">{kind.label()}</span>
                <time>{format_day_time(starts_at)}" – "{format_time(ends_at)}</time>
            </div>
            <h3>{topic.clone()}</h3>
            <p class="meta">{place}</p>
            <div class="checkin-state" aria-live="polite">{state}</div>
            {record_note.map(|n| view! { <p class="record-note" data-testid="record-note">{n}</p> })}
            {move || leave_line().map(|t| view! { <p class="leave-state">{t}</p> })}
            <Show when=can_ask_leave.clone()>
                <LeaveForm outbox=outbox activity_id=leave_id.clone() member_id=leave_member.clone() label=leave_label.clone() kind=kind/>
            </Show>
        </article>
    }
    .into_any()
}

/// Typing the six digits shown on the organiser's screen.
#[component]
fn CodeEntry(
    outbox: Outbox,
    activity_id: String,
    member_id: String,
    label: String,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let input_id = format!("code-{activity_id}");
    // Until the phone's store is read, a tap is kept by the page's script (`data-early`) and
    // taken up then (`outbox::early`); from then on this form handles it (`data-live`).
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if outbox.loaded.get()
            && let Some(f) = form.get()
        {
            let _ = f.set_attribute("data-live", "");
        }
    });
    let (early_activity, early_member, early_label) =
        (activity_id.clone(), member_id.clone(), label.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match normalise_typed_code(&code.get_untracked()) {
            Some(c) => {
                error.set(None);
                outbox.check_in(
                    activity_id.clone(),
                    member_id.clone(),
                    label.clone(),
                    Proof::Code { code: c },
                );
            }
            None => error.set(Some("签到码是 6 位数字")),
        }
    };
    view! {
        <form class="code-entry" node_ref=form on:submit=submit data-early=""
            data-activity=early_activity data-member=early_member data-label=early_label>
            <label for=input_id.clone()>"签到码"</label>
            <input id=input_id type="text" inputmode="numeric" autocomplete="one-time-code"
                maxlength="7" placeholder="6 位数字" prop:value=move || code.get()
                on:input=move |ev| code.set(event_target_value(&ev))/>
            <button type="submit" class="btn btn-primary btn-checkin">"签到"</button>
            <p class="early-note" role="status" hidden>"已记下，页面准备好后自动签到"</p>
            {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
        </form>
    }
}

#[component]
fn LeaveForm(
    outbox: Outbox,
    activity_id: String,
    member_id: String,
    label: String,
    kind: ActivityKind,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let ready = move || outbox.loaded.get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            error.set(Some("请写明请假事由"));
        } else if text.chars().count() > MAX_REASON_CHARS {
            error.set(Some("请假事由最多 500 字"));
        } else {
            error.set(None);
            outbox.ask_leave(activity_id.clone(), member_id.clone(), label.clone(), text);
            open.set(false);
        }
    };
    let field_id = format!("leave-{}", kind.as_str());
    view! {
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="btn btn-link" disabled=move || !ready() on:click=move |_| open.set(true)>"请假"</button>
        }>
            <form class="leave-form" on:submit=submit.clone()>
                <label class="field">
                    <span>"请假事由"</span>
                    <textarea id=field_id.clone() rows="2" maxlength="500"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </label>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                <div class="actions">
                    <button type="submit" class="btn btn-primary">"提交请假"</button>
                    <button type="button" class="btn" on:click=move |_| open.set(false)>"取消"</button>
                </div>
            </form>
        </Show>
    }
}
