//! "我的活动": today's and upcoming activities with a 签到 button that works offline.

use super::{MemberActivity, MyActivities, load_my_activities};
use crate::domain::time::{format_day_time, format_time};
use crate::outbox::{Connection, LocalStatus, OfflinePage, use_outbox};
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

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

#[component]
fn MyActivitiesView(data: MyActivities) -> impl IntoView {
    let MyActivities {
        member,
        today,
        upcoming,
    } = data;
    let member_id = member.id.clone();
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
    view! {
        <TopBar user=member/>
        <main class="page">
            <h1>"我的活动"</h1>
            <SyncBanner/>
            <section aria-labelledby="today-h">
                <h2 id="today-h">"今天"</h2>
                <Show when=move || today_empty>
                    <p class="empty">"今天没有需要您参加的活动。"</p>
                </Show>
                <div class="cards">{today_cards}</div>
            </section>
            <section aria-labelledby="upcoming-h">
                <h2 id="upcoming-h">"即将开始"</h2>
                <Show when=move || upcoming_empty>
                    <p class="empty">"近期没有安排活动。"</p>
                </Show>
                <div class="cards">{upcoming_cards}</div>
            </section>
            <RejectedRecords/>
        </main>
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
    } = activity;
    let status_id = id.clone();
    let status = move || outbox.status_of(&status_id);
    let label = topic.clone();
    let on_check_in = move |_| {
        outbox.check_in(id.clone(), member_id.clone(), label.clone());
    };
    // Usable once the phone's store has been read: before that a tap could not be kept.
    let ready = move || outbox.loaded.get();
    let state = move || match (status(), checked_in) {
        (Some(LocalStatus::Pending), _) => view! {
            <span class="badge badge-pending">"待同步"</span>
            <span class="state-note">"已保存在手机上，联网后自动上传"</span>
        }
        .into_any(),
        (Some(LocalStatus::Rejected(reason)), _) => view! {
            <span class="badge badge-rejected">"未被接受"</span>
            <span class="state-note">{reason}</span>
        }
        .into_any(),
        (Some(LocalStatus::Synced), _) | (None, true) => view! {
            <span class="badge badge-synced">"已同步"</span>
            <span class="state-note">"签到已记录"</span>
        }
        .into_any(),
        (None, false) if today => view! {
            <button class="btn btn-primary btn-checkin" on:click=on_check_in.clone()
                disabled=move || !ready()>
                "签到"
            </button>
        }
        .into_any(),
        (None, false) => view! { <span class="badge">"未开始"</span> }.into_any(),
    };
    view! {
        <article class="card activity">
            <div class="activity-head">
                <span class="kind-tag">{kind.label()}</span>
                <time>{format_day_time(starts_at)}" – "{format_time(ends_at)}</time>
            </div>
            <h3>{topic}</h3>
            <p class="meta">{place}</p>
            <div class="checkin-state" aria-live="polite">{state}</div>
        </article>
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
                    "当前没有网络：签到会先保存在手机上，联网后自动上传。"
                </p>
            </Show>
            <Show when=move || { pending() > 0 }>
                <p class="alert alert-info" role="status">
                    {move || format!("{} 条记录待同步", pending())}
                    <Show when=move || outbox.syncing.get()>"，正在同步…"</Show>
                </p>
            </Show>
            {move || outbox.problem.get().map(|p| view! {
                <p class="alert alert-error" role="alert">{p}</p>
            })}
            {move || match outbox.offline_page.get() {
                OfflinePage::Ready => view! {
                    <p class="offline-ready">"✓ 本页已可离线打开"</p>
                }.into_any(),
                OfflinePage::Unsupported => view! {
                    <p class="alert alert-info">
                        "当前浏览器不支持离线打开本页（例如 iPhone 上的微信）。在线签到不受影响；"
                        "如需离线使用，请点右上角“…”选择“在浏览器中打开”，再添加到主屏幕。"
                    </p>
                }.into_any(),
                OfflinePage::Checking => ().into_any(),
            }}
        </div>
    }
}

/// Records the server refused: they stay, with the reason, so nothing is lost silently.
#[component]
fn RejectedRecords() -> impl IntoView {
    let outbox = use_outbox();
    let rejected = move || {
        outbox.entries.with(|e| {
            e.iter()
                .filter_map(|e| {
                    e.rejected
                        .as_ref()
                        .map(|r| (e.label.clone(), r.reason.clone()))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !rejected().is_empty()>
            <section aria-labelledby="rejected-h">
                <h2 id="rejected-h">"未被接受的记录"</h2>
                <ul class="rejected-list">
                    {move || rejected().into_iter().map(|(label, reason)| view! {
                        <li><strong>{label}</strong>"："{reason}</li>
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
