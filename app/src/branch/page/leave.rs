//! Leave requests waiting for the secretary's decision, and the decided ones.

use crate::domain::attendance::LeaveStatus;
use crate::domain::time::format_day_time;
use crate::leave::{DecideLeave, LeaveItem};
use crate::ui::{ErrorPanel, reload_after};
use leptos::prelude::*;

/// Leave requests waiting for a decision first, then the decided ones.
#[component]
pub(super) fn LeaveRequests(items: Vec<LeaveItem>) -> impl IntoView {
    let action = ServerAction::<DecideLeave>::new();
    reload_after(move || matches!(action.value().get(), Some(Ok(_))));
    let (waiting, decided): (Vec<_>, Vec<_>) = items
        .into_iter()
        .partition(|i| i.status == LeaveStatus::Pending);
    let none_waiting = waiting.is_empty();
    let row = move |i: LeaveItem| {
        let pending = i.status == LeaveStatus::Pending;
        let id = i.id.clone();
        let status_line = match (&i.decided_by, i.status) {
            (Some(by), s) if s != LeaveStatus::Pending => format!("{}（{by}）", s.label()),
            (_, s) => s.label().to_owned(),
        };
        view! {
            <li class="leave-item">
                <p><strong>{i.member_name.clone()}</strong>" · "{i.activity_topic.clone()}" · "{format_day_time(i.activity_starts_at)}</p>
                <p class="leave-reason">"事由："{i.reason.clone()}</p>
                <p class="leave-status">{status_line}</p>
                <Show when=move || pending>
                    {
                        let id = id.clone();
                        move || {
                            let (a, b) = (id.clone(), id.clone());
                            view! {
                                <div class="actions">
                                    <ActionForm action=action attr:class="inline-form">
                                        <input type="hidden" name="id" value=a/>
                                        <input type="hidden" name="approve" value="true"/>
                                        <input type="hidden" name="note" value=""/>
                                        <button type="submit" class="btn btn-primary btn-small">"批准"</button>
                                    </ActionForm>
                                    <ActionForm action=action attr:class="inline-form">
                                        <input type="hidden" name="id" value=b/>
                                        <input type="hidden" name="approve" value="false"/>
                                        <input type="hidden" name="note" value=""/>
                                        <button type="submit" class="btn btn-small">"不批准"</button>
                                    </ActionForm>
                                </div>
                            }
                        }
                    }
                </Show>
            </li>
        }
    };
    view! {
        <section aria-labelledby="leave-h">
            <h2 id="leave-h">"请假审批"</h2>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            <Show when=move || none_waiting>
                <p class="empty">"没有待审批的请假。"</p>
            </Show>
            <ul class="leave-list">{waiting.into_iter().map(row).collect_view()}</ul>
            <details class="roll">
                <summary>{format!("已处理的请假（{}）", decided.len())}</summary>
                <ul class="leave-list">{decided.into_iter().map(row).collect_view()}</ul>
            </details>
        </section>
    }
}
