//! "我的活动": today's and upcoming activities. Check in by scanning the organiser's QR code
//! (which opens this page) or typing its six digits; ask for leave; all of it offline too.

use super::{MemberActivity, MyActivities, load_my_activities};
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::LeaveStatus;
use crate::domain::proof::{Proof, normalise_typed_code, parse_qr_param};
use crate::domain::time::{format_day_time, format_time};
use crate::outbox::{Connection, LocalStatus, OfflinePage, Outbox, leave_text, use_outbox};
use crate::sync::protocol::MAX_REASON_CHARS;
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MyActivitiesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_my_activities());
    let outbox = use_outbox();
    // Effects run only in the browser: ask the service worker to keep this page for offline use.
    Effect::new(move |_| outbox.keep_offline("/me"));
    view! {
        <Title text="我的活动 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <MyActivitiesView data=d/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An activity pulled after this page was rendered (offline, from a cached page) as a card.
fn from_pulled(p: &crate::sync::protocol::PulledActivity) -> MemberActivity {
    MemberActivity {
        id: p.id.clone(),
        kind: p.kind,
        topic: p.topic.clone(),
        starts_at: p.starts_at,
        ends_at: p.ends_at,
        place: p.place.clone(),
        checked_in: p.checked_in,
        leave: p.leave,
    }
}

#[component]
fn MyActivitiesView(data: MyActivities) -> impl IntoView {
    let MyActivities {
        member,
        today,
        upcoming,
    } = data;
    let outbox = use_outbox();
    let member_id = member.id.clone();
    {
        let member_id = member_id.clone();
        Effect::new(move |_| outbox.signed_in(member_id.clone()));
    }
    let known: Vec<String> = today
        .iter()
        .chain(&upcoming)
        .map(|a| a.id.clone())
        .collect();
    // Today's activities this page did not know of when it was rendered, learned by pull.
    let extra_today = {
        let known = known.clone();
        move || {
            let (day_start, day_end) = local_day();
            outbox.pulled.with(|p| {
                p.iter()
                    .filter(|a| a.expected && a.status == "scheduled" && !known.contains(&a.id))
                    .filter(|a| a.starts_at >= day_start && a.starts_at < day_end)
                    .map(from_pulled)
                    .collect::<Vec<_>>()
            })
        }
    };
    let today_empty = today.is_empty();
    let upcoming_empty = upcoming.is_empty();
    let today_cards = today
        .into_iter()
        .map(|a| view! { <ActivityCard activity=a member_id=member_id.clone() today=true/> })
        .collect_view();
    let upcoming_cards = upcoming
        .into_iter()
        .map(|a| view! { <ActivityCard activity=a member_id=member_id.clone() today=false/> })
        .collect_view();
    let member_for_extra = member_id.clone();
    let extra_for_cards = extra_today.clone();
    let extra_cards = move || {
        extra_for_cards()
            .into_iter()
            .map(|a| view! { <ActivityCard activity=a member_id=member_for_extra.clone() today=true/> })
            .collect_view()
    };
    let no_today = {
        let extra = extra_today.clone();
        move || today_empty && extra().is_empty()
    };
    view! {
        <TopBar user=member/>
        <main class="page">
            <h1>"我的活动"</h1>
            <SyncBanner/>
            <ScannedCheckin member_id=member_id.clone()/>
            <section aria-labelledby="today-h">
                <h2 id="today-h">"今天"</h2>
                <Show when=no_today>
                    <p class="empty">"今天没有需要您参加的活动。"</p>
                </Show>
                <div class="cards">{today_cards}{extra_cards}</div>
            </section>
            <section aria-labelledby="upcoming-h">
                <h2 id="upcoming-h">"即将开始"</h2>
                <Show when=move || upcoming_empty>
                    <p class="empty">"近期没有安排活动。"</p>
                </Show>
                <div class="cards">{upcoming_cards}</div>
            </section>
            <RefusedRecords/>
            <p class="rule-note">"签到需要现场的签到码：扫描组织者出示的二维码，或输入屏幕上的六位数字。请假需经支部书记批准，请假不计入出席。"</p>
        </main>
    }
}

/// [start, end) of today by this device's clock, in China time.
fn local_day() -> (i64, i64) {
    #[cfg(feature = "hydrate")]
    let now = js_sys::Date::now() as i64;
    #[cfg(not(feature = "hydrate"))]
    let now = crate::db::now_ms();
    crate::domain::time::day_bounds_ms(now)
}

/// A QR code scanned with the phone's camera opens `/me?checkin=…&p=…`: record that check-in.
#[component]
fn ScannedCheckin(member_id: String) -> impl IntoView {
    let outbox = use_outbox();
    let query = use_query_map();
    let message = RwSignal::new(None::<(bool, String)>);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !outbox.loaded.get() {
            return done.unwrap_or(false);
        }
        let q = query.get_untracked();
        let (Some(activity), Some(p)) = (q.get("checkin"), q.get("p")) else {
            return true;
        };
        match parse_qr_param(&p) {
            Some((step, code)) => {
                if matches!(
                    outbox.status_of(&activity),
                    Some(LocalStatus::Pending | LocalStatus::Synced)
                ) {
                    message.set(Some((true, "您已签到过本次活动。".into())));
                } else {
                    outbox.check_in(
                        activity,
                        member_id.clone(),
                        "扫码签到".into(),
                        Proof::Qr { step, code },
                    );
                    message.set(Some((true, "已扫码签到，记录已保存在手机上。".into())));
                }
            }
            None => message.set(Some((
                false,
                "二维码内容不完整，请重新扫描或输入签到码。".into(),
            ))),
        }
        true
    });
    view! {
        {move || message.get().map(|(ok, text)| {
            let class = if ok { "alert alert-success" } else { "alert alert-error" };
            view! { <p class=class role="status">{text}</p> }
        })}
    }
}

#[component]
fn ActivityCard(activity: MemberActivity, member_id: String, today: bool) -> impl IntoView {
    let outbox = use_outbox();
    let MemberActivity {
        id,
        kind,
        topic,
        starts_at,
        ends_at,
        place,
        checked_in,
        leave,
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
        move || checked_in || matches!(status(), Some(LocalStatus::Pending | LocalStatus::Synced))
    };
    let state = {
        let (id, member_id, topic) = (id.clone(), member_id.clone(), topic.clone());
        move || {
            match (status(), checked_in) {
            (Some(LocalStatus::Pending), _) => view! {
                <span class="badge badge-pending">"待同步"</span>
                <span class="state-note">"已保存在手机上，联网后自动上传"</span>
            }
            .into_any(),
            (Some(LocalStatus::Synced), _) | (None, true) => view! {
                <span class="badge badge-synced">"已同步"</span>
                <span class="state-note">"签到已记录"</span>
            }
            .into_any(),
            (Some(LocalStatus::Rejected(reason)), _) => view! {
                <span class="badge badge-rejected">"签到未被接受"</span>
                <span class="state-note">{reason}</span>
                <CodeEntry outbox=outbox activity_id=id.clone() member_id=member_id.clone() label=topic.clone()/>
            }
            .into_any(),
            (None, false) if today => view! {
                <CodeEntry outbox=outbox activity_id=id.clone() member_id=member_id.clone() label=topic.clone()/>
            }
            .into_any(),
            (None, false) => view! { <span class="badge">"未开始"</span> }.into_any(),
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
    let ready = move || outbox.loaded.get();
    let input_id = format!("code-{activity_id}");
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
        <form class="code-entry" on:submit=submit>
            <label for=input_id.clone()>"签到码"</label>
            <input id=input_id type="text" inputmode="numeric" autocomplete="one-time-code"
                maxlength="7" placeholder="6 位数字" prop:value=move || code.get()
                on:input=move |ev| code.set(event_target_value(&ev))/>
            <button type="submit" class="btn btn-primary btn-checkin" disabled=move || !ready()>"签到"</button>
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

/// Where the phone stands: connection, records waiting, offline readiness, problems.
#[component]
fn SyncBanner() -> impl IntoView {
    let outbox = use_outbox();
    let pending = move || outbox.pending();
    view! {
        <div class="sync-banner">
            <Show when=move || outbox.connection.get() == Connection::Offline>
                <p class="alert alert-warn" role="status">
                    "当前没有网络：签到和请假会先保存在手机上，联网后自动上传。"
                </p>
            </Show>
            <Show when=move || { pending() > 0 }>
                <p class="alert alert-info" role="status">
                    {move || format!("{} 条记录待同步", pending())}
                    <Show when=move || outbox.syncing.get()>"，正在同步…"</Show>
                    <Show when=move || !outbox.syncing.get() && outbox.next_retry.get().is_some()>"，稍后自动重试"</Show>
                </p>
            </Show>
            {move || outbox.problem.get().map(|p| view! {
                <p class="alert alert-error" role="alert">{p}</p>
            })}
            {move || outbox.warning.get().map(|w| view! {
                <div class="alert alert-warn" role="alert">
                    <p>{w}</p>
                    <button type="button" class="btn btn-small" on:click=move |_| outbox.warning.set(None)>"知道了"</button>
                </div>
            })}
            {move || match outbox.offline_page.get() {
                OfflinePage::Ready => view! {
                    <p class="offline-ready">"✓ 本页已可离线打开"</p>
                }.into_any(),
                OfflinePage::Unsupported => view! {
                    <p class="alert alert-info">
                        "当前浏览器不支持离线打开本页（例如 iPhone 上的微信）。在线签到不受影响；"
                        "如需离线使用，请点右上角“…”选择“在浏览器中打开”，再“添加到主屏幕”。"
                    </p>
                }.into_any(),
                OfflinePage::Checking => ().into_any(),
            }}
        </div>
    }
}

/// Records the server refused: they stay, with the reason, until the member dismisses them.
#[component]
fn RefusedRecords() -> impl IntoView {
    let outbox = use_outbox();
    let refused = move || outbox.refused();
    view! {
        <Show when=move || !refused().is_empty()>
            <section aria-labelledby="rejected-h">
                <h2 id="rejected-h">"未被接受的记录"</h2>
                <ul class="rejected-list">
                    {move || refused().into_iter().map(|e| {
                        let what = if e.kind == crate::outbox::KIND_LEAVE { "请假" } else { "签到" };
                        let reason = e.rejected.map(|r| r.reason).unwrap_or_default();
                        let id = e.id.clone();
                        view! {
                            <li>
                                <strong>{format!("{what}：{}", e.label)}</strong>"："{reason}
                                <button type="button" class="btn btn-small" on:click=move |_| outbox.dismiss(id.clone())>"知道了"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
