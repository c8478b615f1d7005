//! The phone's state: connection, records waiting or refused.

use crate::outbox::{Connection, OfflinePage, use_outbox};
use leptos::prelude::*;

/// Where the phone stands: connection, records waiting, offline readiness, problems.
#[component]
pub(super) fn SyncBanner() -> impl IntoView {
    let outbox = use_outbox();
    let pending = move || outbox.pending();
    view! {
        <div class="sync-banner">
            // Rendered by the server and shown until the phone's store is read: on a slow
            // network the page says what it is doing (a tap on 签到 meanwhile is kept).
            <Show when=move || !outbox.loaded.get() && outbox.problem.get().is_none()>
                <p class="loading-note" role="status" data-testid="preparing">
                    "正在准备离线签到…网络慢时请稍候；现在输入签到码点“签到”也会记下。"
                </p>
            </Show>
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
pub(super) fn RefusedRecords() -> impl IntoView {
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
