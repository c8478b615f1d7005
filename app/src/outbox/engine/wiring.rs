//! Starting the engine, and the browser's events it listens to: online, offline, the page
//! coming back into view, the service worker's readiness.

use super::idb::{self, DeviceOpened};
use super::net::pull;
use super::send::{BACKOFF, DEVICE, sync};
use super::{WIPED, new_v7, reload};
use crate::outbox::retry::Backoff;
use crate::outbox::{Connection, OfflinePage, Outbox};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Starts the engine once the page is hydrated: reads the store, learns the device, syncs,
/// and listens for the moments worth syncing at.
pub fn start(outbox: Outbox) {
    let online = window().navigator().on_line();
    outbox.connection.set(if online {
        Connection::Online
    } else {
        Connection::Offline
    });
    watch_offline_page(outbox);
    request_persistence();
    spawn_local(async move {
        match idb::device(|| new_v7().to_string()).await {
            Ok(opened) => {
                let device = match opened {
                    DeviceOpened::Known(d) | DeviceOpened::New(d) => d,
                    DeviceOpened::Wiped(d) => {
                        outbox.warning.set(Some(WIPED.into()));
                        d
                    }
                };
                DEVICE.with(|c| *c.borrow_mut() = Some(device.device_id.clone()));
            }
            Err(e) => outbox.problem.set(Some(format!(
                "手机上的离线存储不可用（{}），记录无法离线保存。",
                e.0
            ))),
        }
        reload(outbox).await;
        super::early::take_up(outbox);
        sync(outbox).await;
        pull(outbox).await;
    });
    // A tap the page's script kept after the store was read but before the form took over.
    let on_early = window_event_listener_untyped("xingqi-early-tap", move |_| {
        if outbox.loaded.get_untracked() {
            super::early::take_up(outbox);
        }
    });
    // A member becoming known (their page loaded) lets their records go.
    Effect::new(move |_| {
        if outbox.member.get().is_some() {
            spawn_local(sync(outbox));
        }
    });
    let on_online = window_event_listener(ev::online, move |_| {
        outbox.connection.set(Connection::Online);
        BACKOFF.with(|b| b.set(Backoff::new()));
        spawn_local(async move {
            sync(outbox).await;
            pull(outbox).await;
        });
    });
    let on_offline = window_event_listener(ev::offline, move |_| {
        outbox.connection.set(Connection::Offline);
    });
    let on_visible = window_event_listener(ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            spawn_local(async move {
                sync(outbox).await;
                pull(outbox).await;
            });
        }
    });
    on_cleanup(move || {
        on_early.remove();
        on_online.remove();
        on_offline.remove();
        on_visible.remove();
    });
}

/// Asks the browser not to evict the outbox under storage pressure.
fn request_persistence() {
    if let Ok(p) = window().navigator().storage().persist() {
        spawn_local(async move {
            let _ = JsFuture::from(p).await;
        });
    }
}

/// Follows the service worker's readiness, which the page's inline script reports on `window`
/// (`__xingqiOffline`) and with the `xingqi-offline` event.
fn watch_offline_page(outbox: Outbox) {
    let read = move || {
        let state = js_sys::Reflect::get(&window(), &JsValue::from_str("__xingqiOffline"))
            .ok()
            .and_then(|v| v.as_string());
        match state.as_deref() {
            Some("ready") => outbox.offline_page.set(OfflinePage::Ready),
            Some("unsupported") => outbox.offline_page.set(OfflinePage::Unsupported),
            _ => {}
        }
    };
    read();
    let handle = window_event_listener_untyped("xingqi-offline", move |_| read());
    on_cleanup(move || handle.remove());
}

/// Asks the service worker (through the inline script's `xingqiWarm`) to cache `path`.
pub fn keep_offline(path: &str) {
    let warm = js_sys::Reflect::get(&window(), &JsValue::from_str("xingqiWarm")).ok();
    if let Some(f) = warm.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = f.call1(&JsValue::NULL, &JsValue::from_str(path));
    }
}
